#!/usr/bin/env python3
"""The fleet test (`make fleet-test`): the collection in ansible/ rolls policies out to a fleet
of network namespaces over real SSH.

The fleet is policies/scale-up.policy built by `fwctl-fleet-lab` (FwctlLab's builder): one
namespace per host, one per outside network, joined by a bridge. Every host namespace runs its
own sshd (config, host key, authorized key in the temporary directory, key-only root login);
ansible-playbook runs in the `ops-vpn` network's namespace, the only one the policy admits SSH
from. The hosts share this machine's filesystem, so each has its own fwctl state directory,
apply log and policy directory in the temporary directory, and nothing is installed.

Usage: fleet-test.py FWCTL FWCTL_FLEET_LAB POLICY
Prints one line per check and ends with `N passed, N failed`. Exit 0 when all pass.
"""

import json
import os
import re
import shutil
import signal
import sys
import time

from fleet_harness import CONFIRM, Fleet, epoch, fleet_entries, same, same_objects


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    if os.getuid() != 0:
        print('fleet test skipped: it needs root (network namespaces, sshd, nftables); run `sudo make fleet-test`')
        print('0 passed, 0 failed')
        return 0
    for tool in ('ansible-playbook', 'ssh', 'ssh-keygen', '/usr/sbin/sshd', 'nft', 'ip'):
        if not shutil.which(tool):
            print('fleet test: %s is missing: run `make deps`' % tool, file=sys.stderr)
            return 1
    fwctl, lab, policy = (os.path.abspath(a) for a in sys.argv[1:])
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fleet = Fleet(fwctl, lab, policy)
    fleet.tmp_repo_playbook = os.path.join(repo, 'ansible', 'playbooks', 'rollout.yml')

    def interrupted(signum, _frame):
        raise KeyboardInterrupt('signal %d' % signum)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    began = time.time()
    try:
        fleet.build()
        fleet.keys()
        fleet.start_sshd()
        fleet.ansible_setup(repo)
        steps(fleet, policy)
    except KeyboardInterrupt:
        fleet.check(False, 'interrupted')
    except Exception as e:  # a broken harness step is a failure, and everything is still removed
        fleet.check(False, 'harness: %s: %s' % (type(e).__name__, e))
    finally:
        if os.environ.get('FWCTL_FLEET_KEEP_LOG') and os.path.exists(os.path.join(fleet.tmp, 'ansible.log')):
            shutil.copy(os.path.join(fleet.tmp, 'ansible.log'), os.environ['FWCTL_FLEET_KEEP_LOG'])
        fleet.remove()
    print('fleet test took %.0f s' % (time.time() - began))
    print('%d passed, %d failed' % (fleet.passed, fleet.failed))
    return 0 if fleet.failed == 0 else 1


def steps(fleet, policy):
    with open(policy) as f:
        base = f.read()
    fleet.policy_files(base)
    base_dir = fleet.snapshot_policy('base')
    hosts = fleet.hosts
    names = ['%s.lab' % h for h in hosts]

    # 1. --check --diff on the fresh fleet: every host changed, nothing loaded anywhere.
    r, _ = fleet.playbook('--check', '--diff')
    recap = fleet.recap(r.stdout)
    fleet.check(r.returncode == 0, 'check mode: the playbook succeeds', r.stdout[-3000:] + r.stderr[-2000:])
    fleet.check(all(recap.get(n, {}).get('changed', 0) > 0 for n in names),
                'check mode: every host reports changed', json.dumps(recap))
    fleet.check(r.stdout.count('Plan: ') >= len(hosts), 'check mode: --diff prints every host\'s plan', r.stdout[-2000:])
    fleet.check(all(fleet.loaded(h) is None for h in hosts), 'check mode: nothing is loaded anywhere')

    # 2. The rollout: every host's table is its compiled table; probes agree with the verifier.
    r, seconds = fleet.playbook()
    recap = fleet.recap(r.stdout)
    fleet.check(r.returncode == 0, 'rollout: the playbook succeeds', r.stdout[-3000:] + r.stderr[-2000:])
    print('      rollout of %d hosts in 3 waves (1, 25%%, 100%%): %.1f s' % (len(hosts), seconds), flush=True)
    with open(os.path.join(fleet.tmp, 'rollout-seconds'), 'w') as f:
        f.write('%.1f\n' % seconds)
    wrong = [h for h in hosts if not same(fleet.loaded(h), fleet.compiled(base_dir, h))]
    fleet.check(not wrong, 'rollout: every host\'s `nft list table inet fwctl` equals `fwctl compile`', 'differ: %s' % wrong)
    res = fleet.results()
    fleet.check(all(res.get(h, {}).get('confirmed') for h in hosts), 'rollout: every host confirmed over a new connection',
                json.dumps({h: res.get(h, {}).get('confirmed') for h in hosts}))
    fleet.check(all(res.get(h, {}).get('log_hash') and res.get(h, {}).get('generation') is not None for h in hosts),
                'rollout: the module returns the generation and the apply log\'s entry hash')
    fleet.stop_sshd()  # the lab's listeners take every probed port, tcp/22 included
    agrees, report = fleet.probe()
    fleet.check(agrees, 'rollout: the lab\'s probes agree with the verifier', report[-3000:])
    fleet.start_sshd()

    # 3. A second run changes nothing.
    r, _ = fleet.playbook()
    recap = fleet.recap(r.stdout)
    fleet.check(r.returncode == 0 and all(recap.get(n, {}).get('changed', -1) == 0 for n in names),
                'second run: changed=0 on every host', json.dumps(recap) + r.stdout[-2000:])

    # 4. One host more in role web: only the hosts whose tables change report changed, one element each.
    # On web-02's line, so that no policy line moves (rule comments name lines).
    edited = base.replace('host web-02 = 192.0.2.22, 2001:db8:0:2::22 }',
                          'host web-02 = 192.0.2.22, 2001:db8:0:2::22  host web-03 = 192.0.2.23 }')
    if edited == base:
        raise RuntimeError('the web role of %s is not where the test expects it' % policy)
    fleet.policy_files(edited)
    edit_dir = fleet.snapshot_policy('edit')
    expected = sorted(h for h in hosts if not same(fleet.compiled(base_dir, h), fleet.compiled(edit_dir, h)))
    r, _ = fleet.playbook()
    recap = fleet.recap(r.stdout)
    changed = sorted(n[:-len('.lab')] for n in names if recap.get(n, {}).get('changed', 0) > 0)
    fleet.check(r.returncode == 0 and expected and changed == expected,
                'policy edit: exactly the hosts whose tables change report changed (%s)' % ', '.join(expected),
                'changed %s, expected %s' % (changed, expected))
    res = fleet.results()
    elements = {h: sum(len(c.get('elements', [])) for c in res.get(h, {}).get('changes', [])) for h in expected}
    fleet.check(all(len(res.get(h, {}).get('changes', [])) == 1 and elements[h] == 1 for h in expected),
                'policy edit: each changed host gets one element', json.dumps({h: res.get(h, {}).get('changes') for h in expected})[:2000])
    wrong = [h for h in hosts if not same(fleet.loaded(h), fleet.compiled(edit_dir, h))]
    fleet.check(not wrong, 'policy edit: every host\'s table equals its compiled table', 'differ: %s' % wrong)

    # 5. A policy that drops SSH from ops, forced past the guard: the canary applies, cannot be
    # reached again, the play stops, the canary rolls itself back; nobody else is touched.
    cut = re.sub(r'allow ops-vpn\s+->\s+\*\s+:\s+ssh \{[^}]*\}\n', '', edited)
    cut = cut.replace('expect allow ops-vpn -> lb, web, app, db, monitor : ssh',
                      'expect deny  ops-vpn -> lb, web, app, db, monitor : ssh')
    if cut == edited:
        raise RuntimeError('no SSH flow from ops-vpn found in %s' % policy)
    fleet.policy_files(cut)
    logs_before = {h: len(fleet.log_lines(h)) for h in hosts}
    r, _ = fleet.playbook('-e', 'fwctl_force=true')
    recap = fleet.recap(r.stdout)
    failed = [n for n in names if recap.get(n, {}).get('failed', 0) or recap.get(n, {}).get('unreachable', 0)]
    canary = failed[0][:-len('.lab')] if len(failed) == 1 else None
    fleet.check(r.returncode != 0 and canary is not None, 'SSH cut: the play fails on one host, the canary',
                json.dumps(recap) + r.stdout[-3000:])
    if canary is None:
        return
    fleet.check('could not be reached again after the apply' in r.stdout and 'restores the previous table' in r.stdout,
                'SSH cut: the play reports the canary failed with the reason', r.stdout[-2000:])
    touched = [n for n in names if n != failed[0] and recap.get(n, {}).get('changed', 0)]
    fleet.check(len(fleet.log_lines(canary)) > logs_before[canary], 'SSH cut: the canary applied the change')
    rolled_back = False
    for _ in range(CONFIRM + 30):
        if same_objects(fleet.loaded(canary), fleet.compiled(edit_dir, canary)):
            rolled_back = True
            break
        time.sleep(1)
    entries = fleet_entries(fleet, canary)[logs_before[canary]:]
    applied = [e for e in entries if e.get('action') == 'apply' and e.get('outcome') == 'applied']
    rollback = [e for e in entries if e.get('action') == 'rollback']
    window = epoch(rollback[0]['time']) - epoch(applied[0]['time']) if applied and rollback else None
    fleet.check(rolled_back and window is not None and window <= CONFIRM + 5,
                'SSH cut: the canary rolled back by itself within the confirm window (%d s)' % CONFIRM,
                'table restored: %s; apply log since: %s' % (rolled_back, json.dumps(entries)[:2000]))
    if window is not None:
        print('      the canary\'s rollback came %.1f s after its apply' % window, flush=True)
    others = [h for h in hosts if h != canary]
    fleet.check(not touched and all(len(fleet.log_lines(h)) == logs_before[h] for h in others)
                and all(same(fleet.loaded(h), fleet.compiled(edit_dir, h)) for h in others),
                'SSH cut: every other host is untouched')
    r2 = fleet.run(['bash', '-c', 'exec 3<>/dev/tcp/%s/22' % fleet.ends[canary]['v4']], ns=fleet.ops, timeout=10)
    fleet.check(r2.returncode == 0, 'SSH cut: SSH to the canary works again after the rollback')

    # 6. Every host's apply log verifies.
    bad = []
    for h in hosts:
        v = fleet.run([fleet.fwctl, 'audit', 'log', '--verify', '--log', os.path.join(fleet.tmp, 'hosts', h, 'apply-log.jsonl'),
                       '--state-dir', os.path.join(fleet.tmp, 'hosts', h, 'state')])
        if v.returncode != 0:
            bad.append('%s: %s%s' % (h, v.stdout, v.stderr))
    fleet.check(not bad, 'every host\'s apply log verifies', '\n'.join(bad))
    rollback = [e for e in fleet_entries(fleet, canary) if e.get('action') == 'rollback']
    fleet.check(bool(rollback), 'the canary\'s apply log records the rollback')
    with open(os.path.join(fleet.tmp, 'report', 'apply-logs.txt')) as f:
        report = f.read()
    fleet.check(all('## %s.lab' % h in report for h in hosts), 'the role collected every host\'s apply log into one report')


if __name__ == '__main__':
    sys.exit(main())
