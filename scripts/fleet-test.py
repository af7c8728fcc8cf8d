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

import calendar
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CONFIRM = 30          # seconds a change stays provisional in the test
OPS = 'ops-vpn'       # the network Ansible runs from


class Fleet:
    def __init__(self, fwctl, lab, policy):
        self.fwctl, self.lab_binary, self.policy = fwctl, lab, policy
        self.tmp = tempfile.mkdtemp(prefix='fwctl-fleet-')
        self.lab = None
        self.sshd = {}
        self.ends = {}
        self.made_run_sshd = False
        self.passed = self.failed = 0

    # -- bookkeeping ---------------------------------------------------------------------------

    def check(self, ok, what, detail=''):
        if ok:
            self.passed += 1
            print('ok    %s' % what, flush=True)
        else:
            self.failed += 1
            print('FAIL  %s%s' % (what, ('\n      ' + detail.strip().replace('\n', '\n      ')) if detail else ''), flush=True)
        return ok

    def run(self, argv, ns=None, env=None, timeout=300):
        if ns:
            argv = ['ip', 'netns', 'exec', ns] + argv
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, timeout=timeout, text=True)

    # -- the fleet -----------------------------------------------------------------------------

    def build(self):
        mapfile = os.path.join(self.tmp, 'ends')
        self.lab = subprocess.Popen([self.lab_binary, self.policy, mapfile], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True, start_new_session=True)
        if self.lab.stdout.readline().strip() != 'ready':
            raise RuntimeError('fwctl-fleet-lab did not get ready')
        with open(mapfile) as f:
            for line in f:
                kind, name, ns, v4, v6 = line.split()
                self.ends[name] = dict(kind=kind, ns=ns, v4=v4, v6=v6)
        self.hosts = sorted(n for n, e in self.ends.items() if e['kind'] == 'host')
        self.ops = self.ends[OPS]['ns']

    def probe(self):
        self.lab.stdin.write('probe\n')
        self.lab.stdin.flush()
        lines = []
        while True:
            line = self.lab.stdout.readline()
            if not line or line.strip() in ('agrees', 'disagrees'):
                return line.strip() == 'agrees', ''.join(lines)
            lines.append(line)

    def keys(self):
        self.key = os.path.join(self.tmp, 'id_ed25519')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'fwctl-fleet-test', '-f', self.key], check=True)
        shutil.copy(self.key + '.pub', os.path.join(self.tmp, 'authorized_keys'))
        # sshd refuses to start without its privilege separation directory (compiled in as
        # /run/sshd in Debian's 9.2, no option moves it); the package's own unit creates it the
        # same way. Removed at the end when this test made it.
        if not os.path.isdir('/run/sshd'):
            os.mkdir('/run/sshd', 0o755)
            self.made_run_sshd = True
        for host in self.hosts:
            d = os.path.join(self.tmp, 'hosts', host)
            os.makedirs(d, mode=0o700)
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', os.path.join(d, 'host_key')], check=True)
            with open(os.path.join(d, 'sshd_config'), 'w') as f:
                f.write('\n'.join([
                    'ListenAddress %s' % self.ends[host]['v4'],
                    'Port 22',
                    'HostKey %s/host_key' % d,
                    'PidFile %s/sshd.pid' % d,
                    'AuthorizedKeysFile %s/authorized_keys' % self.tmp,
                    'PermitRootLogin prohibit-password',
                    'PasswordAuthentication no',
                    'KbdInteractiveAuthentication no',
                    'UsePAM no',
                    'StrictModes no',
                    'MaxStartups 50',
                    'LogLevel ERROR',
                    'Subsystem sftp internal-sftp',
                    '']))

    def start_sshd(self):
        for host in self.hosts:
            d = os.path.join(self.tmp, 'hosts', host)
            log = open(os.path.join(d, 'sshd.log'), 'a')
            self.sshd[host] = subprocess.Popen(
                ['ip', 'netns', 'exec', self.ends[host]['ns'], '/usr/sbin/sshd', '-D', '-e', '-f', os.path.join(d, 'sshd_config')],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        for host in self.hosts:
            for _ in range(100):
                r = self.run(['bash', '-c', 'exec 3<>/dev/tcp/%s/22' % self.ends[host]['v4']], ns=self.ops, timeout=10)
                if r.returncode == 0:
                    break
                if self.sshd[host].poll() is not None:
                    raise RuntimeError('sshd of %s exited: see %s' % (host, os.path.join(self.tmp, 'hosts', host, 'sshd.log')))
                time.sleep(0.1)
            else:
                raise RuntimeError('sshd of %s does not answer' % host)

    def stop_sshd(self):
        for p in self.sshd.values():
            if p.poll() is None:
                p.terminate()
        for p in self.sshd.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.sshd = {}

    def remove(self):
        self.stop_sshd()
        if self.lab and self.lab.poll() is None:
            self.lab.stdin.close()
            try:
                self.lab.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.lab.terminate()
                self.lab.wait()
        if self.made_run_sshd:
            shutil.rmtree('/run/sshd', ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- Ansible -------------------------------------------------------------------------------

    def ansible_setup(self, repo):
        t = self.tmp
        collections = os.path.join(t, 'collections', 'ansible_collections', 'fwctl')
        os.makedirs(collections)
        os.symlink(os.path.join(repo, 'ansible'), os.path.join(collections, 'fleet'))
        for d in ('home', 'local-tmp', 'remote-tmp', 'cp', 'report'):
            os.makedirs(os.path.join(t, d), mode=0o700)
        with open(os.path.join(t, 'ansible.cfg'), 'w') as f:
            f.write('\n'.join([
                '[defaults]',
                'collections_paths = %s/collections' % t,
                'local_tmp = %s/local-tmp' % t,
                'remote_tmp = %s/remote-tmp' % t,
                'interpreter_python = /usr/bin/python3',
                'host_key_checking = False',
                'retry_files_enabled = False',
                'forks = 8',
                'timeout = 10',
                '[ssh_connection]',
                'pipelining = True',
                'control_path_dir = %s/cp' % t,
                '']))
        common = ('-F none -o IdentitiesOnly=yes -o UserKnownHostsFile=%s/known_hosts -o StrictHostKeyChecking=no '
                  '-o ConnectTimeout=5 -o ServerAliveInterval=5 -o ServerAliveCountMax=2' % t)
        lines = ['[fwctl]']
        for host in self.hosts:
            lines.append('%s.lab ansible_host=%s' % (host, self.ends[host]['v4']))
        hostdir = t + '/hosts/{{ fwctl_host }}'
        lines += ['', '[fwctl:vars]',
                  'ansible_user=root',
                  'ansible_ssh_private_key_file=%s' % self.key,
                  "ansible_ssh_common_args='%s'" % common,
                  'fwctl_install=false',
                  'fwctl_binary=%s' % self.fwctl,
                  'fwctl_controller_binary=%s' % self.fwctl,
                  'fwctl_policy_src=%s/policy' % t,
                  'fwctl_state_dir=%s/state' % hostdir,
                  'fwctl_policy_dir=%s/policy' % hostdir,
                  'fwctl_log=%s/apply-log.jsonl' % hostdir,
                  'fwctl_report_dir=%s/report' % t,
                  'fwctl_confirm_seconds=%d' % CONFIRM,
                  # inventory names are NAME.lab; the policy's names are NAME
                  "fwctl_host_map=\"{{ dict(groups['fwctl'] | zip(groups['fwctl'] | map('regex_replace', '\\\\.lab$', ''))) }}\"",
                  '']
        with open(os.path.join(t, 'inventory'), 'w') as f:
            f.write('\n'.join(lines))
        self.env = dict(PATH=os.environ.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin'), HOME=os.path.join(t, 'home'),
                        LANG='C.UTF-8', ANSIBLE_CONFIG=os.path.join(t, 'ansible.cfg'), ANSIBLE_NOCOLOR='1',
                        ANSIBLE_FORCE_COLOR='0')

    def policy_files(self, text):
        src = os.path.join(self.tmp, 'policy')
        shutil.rmtree(src, ignore_errors=True)
        os.makedirs(src)
        with open(os.path.join(src, 'fleet.policy'), 'w') as f:
            f.write(text)

    def playbook(self, *extra):
        shutil.rmtree(os.path.join(self.tmp, 'report', 'results'), ignore_errors=True)
        start = time.time()
        r = self.run(['ansible-playbook', '-i', os.path.join(self.tmp, 'inventory'),
                      os.path.join(os.path.dirname(self.tmp_repo_playbook), 'rollout.yml')] + list(extra),
                     ns=self.ops, env=self.env, timeout=400)
        seconds = time.time() - start
        with open(os.path.join(self.tmp, 'ansible.log'), 'a') as f:
            f.write('$ ansible-playbook %s\n%s\n%s\n' % (' '.join(extra), r.stdout, r.stderr))
        return r, seconds

    @staticmethod
    def recap(stdout):
        """inventory name -> {ok, changed, unreachable, failed, ...} from PLAY RECAP."""
        out = {}
        for m in re.finditer(r'^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$', stdout, re.M):
            out[m.group(1)] = {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', m.group(2))}
        return out

    def results(self):
        out = {}
        for p in glob.glob(os.path.join(self.tmp, 'report', 'results', '*.json')):
            with open(p) as f:
                out[os.path.basename(p)[:-len('.lab.json')]] = json.load(f)
        return out

    # -- the kernel side -----------------------------------------------------------------------

    def loaded(self, host):
        r = self.run(['nft', 'list', 'table', 'inet', 'fwctl'], ns=self.ends[host]['ns'])
        return r.stdout if r.returncode == 0 else None

    def compiled(self, policy_dir, host):
        r = self.run([self.fwctl, 'compile', '--policy', policy_dir, '--host', host])
        if r.returncode != 0:
            raise RuntimeError('fwctl compile %s: %s' % (host, r.stderr))
        return r.stdout

    def log_lines(self, host):
        try:
            with open(os.path.join(self.tmp, 'hosts', host, 'apply-log.jsonl')) as f:
                return [line for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def snapshot_policy(self, name):
        d = os.path.join(self.tmp, 'policies', name)
        shutil.copytree(os.path.join(self.tmp, 'policy'), d)
        return d


def same(a, b):
    """Two tables as nft prints them, the same but for their counters' values (traffic)."""
    def bare(table):
        return re.sub(r'counter packets \d+ bytes \d+', 'counter', table).strip()
    return a is not None and b is not None and bare(a) == bare(b)


def same_objects(a, b):
    """The same sets and chains, in any order: a rollback re-creates what the apply removed,
    and nft lists a table's objects in the order they were made."""
    def blocks(table):
        lines = re.sub(r'counter packets \d+ bytes \d+', 'counter', table).strip().split('\n')
        return sorted(block.strip() for block in '\n'.join(lines[1:-1]).split('\n\n'))
    return a is not None and b is not None and blocks(a) == blocks(b)


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
    cut_dir = fleet.snapshot_policy('cut')
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


def epoch(stamp):
    """Seconds since 1970 of the apply log's `time` (ISO 8601, UTC)."""
    base = calendar.timegm(time.strptime(stamp[:19], '%Y-%m-%dT%H:%M:%S'))
    frac = re.match(r'\.(\d+)', stamp[19:])
    return base + (float('0.' + frac.group(1)) if frac else 0.0)


def fleet_entries(fleet, host):
    return [json.loads(line) for line in fleet.log_lines(host)]


if __name__ == '__main__':
    sys.exit(main())
