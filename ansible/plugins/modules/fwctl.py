#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fwctl authors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fwctl
short_description: Plan, apply with confirm-or-rollback, and confirm an fwctl firewall policy
version_added: "1.0.0"
description:
  - Runs the C(fwctl) installed on the managed host against a policy directory on that host.
  - C(state=planned) runs C(fwctl plan --out FILE), which saves the plan as C(--format json) prints it; the task is changed exactly when the plan has changes.
  - C(state=applied) applies the plan with C(fwctl apply --yes --confirm SECONDS). The change is provisional;
    the previous table comes back by itself at the returned C(deadline) unless a later task with
    C(state=confirmed) runs C(fwctl confirm). Run that task over a fresh SSH connection
    (a C(meta) C(reset_connection) task between the two) so that a change that cuts the SSH path cannot be confirmed,
    as with Junos C(commit confirmed).
  - C(state=confirmed) keeps a pending apply; with nothing pending it reports ok, unchanged.
  - In check mode every state only plans. With C(--diff) the plan's text is shown.
  - Nothing is applied when the plan is empty, so a second run with the same policy changes nothing.
options:
  state:
    description: What to do.
    type: str
    choices: [planned, applied, confirmed]
    default: applied
  policy:
    description: The policy on the managed host, a file or a directory of C(*.policy) files.
    type: path
    default: /etc/fwctl/policy
  host:
    description: The policy's name of this host (C(--host)). Default is fwctl's own, the short hostname.
    type: str
  binary:
    description: The fwctl executable on the managed host.
    type: path
    default: /usr/bin/fwctl
  state_dir:
    description: fwctl's state directory (lock, pending confirmation, caches).
    type: path
    default: /var/lib/fwctl
  log:
    description: The apply log. Default is C(STATE_DIR/apply-log.jsonl).
    type: path
  confirm:
    description:
      - Seconds until the watchdog restores the previous table unless C(state=confirmed) runs.
      - C(0) applies without a confirm window (C(--no-confirm)), for hosts not reached over the network.
    type: int
    default: 60
  force:
    description: Apply even if fwctl's lock-out guard finds that the new table drops new SSH connections from the controller (C(--force)).
    type: bool
    default: false
  confirmation_id:
    description:
      - With C(state=confirmed), the C(confirmation_id) the apply returned. Only that apply is confirmed; if the watchdog
        already rolled it back (the window ran out), or another apply is pending, the task fails instead of reporting ok.
    type: str
  retries:
    description: How many times to plan and apply again when the kernel's ruleset changed between plan and commit.
    type: int
    default: 3
author:
  - fwctl authors (@fwctl)
notes:
  - Needs root on the managed host (it reads and changes the kernel's ruleset through netlink).
  - Failures carry fwctl's own message in C(msg) and its exit status in C(rc).
'''

EXAMPLES = r'''
- name: Show what would change (also what --check --diff does)
  fwctl.fleet.fwctl:
    state: planned
    policy: /etc/fwctl/policy

- name: Apply, provisional for 60 seconds
  fwctl.fleet.fwctl:
    state: applied
    confirm: 60
  register: fwctl_apply

- name: Reconnect, so that only a working SSH path can confirm
  ansible.builtin.meta: reset_connection

- name: Keep the change
  fwctl.fleet.fwctl:
    state: confirmed
  when: fwctl_apply is changed
'''

RETURN = r'''
summary:
  description: The plan's counts of objects to add, change and remove.
  returned: when a plan was made
  type: dict
  sample: {"add": 0, "change": 1, "remove": 0}
plan:
  description: The whole plan as C(fwctl plan --format json) prints it (docs/plan-json.md).
  returned: when a plan was made
  type: dict
plan_text:
  description: The plan as fwctl prints it for people.
  returned: when a plan was made
  type: str
generation:
  description: The kernel generation id after the apply, or the one the plan was made at.
  returned: when a plan was made or applied
  type: int
  sample: 42
log_hash:
  description: The hash of the apply log's last entry (the one this task wrote, if it wrote one).
  returned: when the apply log exists
  type: str
deadline:
  description: Seconds since 1970 at which the previous table comes back unless confirmed.
  returned: when C(state=applied) applied with a confirm window
  type: float
confirmation_id:
  description: The id of the apply waiting for confirmation (pass it to C(state=confirmed)).
  returned: when C(state=applied) applied with a confirm window
  type: str
pending:
  description: Whether an apply is waiting for confirmation after this task.
  returned: always
  type: bool
rc:
  description: fwctl's exit status of the failing command.
  returned: on failure
  type: int
stdout:
  description: Standard output of the last fwctl command.
  returned: always
  type: str
stderr:
  description: Standard error of the last fwctl command.
  returned: always
  type: str
'''

import json
import os

from ansible.module_utils.basic import AnsibleModule

STALE = 'the ruleset changed since it was read'


class Fwctl(object):
    """fwctl on the managed host, with the module's paths."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.stdout = ''
        self.stderr = ''
        self.plan_path = os.path.join(module.tmpdir, 'plan.json')

    def log_path(self):
        return self.params['log'] or os.path.join(self.params['state_dir'], 'apply-log.jsonl')

    def common(self, log=True):
        return ['--state-dir', self.params['state_dir']] + (['--log', self.log_path()] if log else [])

    def target(self):
        args = ['--policy', self.params['policy']]
        if self.params['host']:
            args += ['--host', self.params['host']]
        return args

    def run(self, args, fail=True):
        rc, out, err = self.module.run_command([self.params['binary']] + args)
        self.stdout, self.stderr = out, err
        if rc != 0 and fail:
            self.fail(rc, err or out)
        return rc, out, err

    def fail(self, rc, message):
        text = message.strip().replace('fwctl: error: ', '') or 'fwctl exited with status %d' % rc
        self.module.fail_json(msg=text, rc=rc, stdout=self.stdout, stderr=self.stderr)

    def plan(self):
        """The plan as JSON and as text (one read of the kernel: the text comes from the saved plan)."""
        self.run(['plan', '--out', self.plan_path] + self.target() + self.common(log=False))
        text = self.stdout
        with open(self.plan_path) as f:
            plan = json.load(f)
        return plan, text

    def pending(self):
        path = os.path.join(self.params['state_dir'], 'pending-confirm.json')
        try:
            with open(path) as f:
                return json.load(f)
        except (IOError, OSError, ValueError):
            return None

    def log_entries(self):
        try:
            with open(self.log_path(), 'rb') as f:
                return [json.loads(line) for line in f.read().splitlines() if line.strip()]
        except (IOError, OSError, ValueError):
            return []

    def last_log_entry(self):
        entries = self.log_entries()
        return entries[-1] if entries else None


def has_changes(plan):
    return bool(plan.get('changes'))


def planned(fw, result):
    plan, text = fw.plan()
    result.update(plan=plan, summary=plan.get('summary'), plan_text=text,
                  generation=plan.get('generation'), changed=has_changes(plan))
    if fw.module._diff and has_changes(plan):
        result['diff'] = {'prepared': text}
    return plan


def applied(fw, result):
    p = fw.params
    for attempt in range(p['retries'] + 1):
        plan = planned(fw, result)
        if not has_changes(plan):
            return
        # The saved plan is what gets applied: fwctl refuses it if the policy or the kernel moved.
        args = ['apply', fw.plan_path, '--yes'] + fw.target() + fw.common()
        args += ['--confirm', str(p['confirm'])] if p['confirm'] > 0 else ['--no-confirm']
        if p['force']:
            args.append('--force')
        rc, out, err = fw.run(args, fail=False)
        if rc == 0:
            break
        if STALE not in err or attempt == p['retries']:
            fw.fail(rc, err or out)
    entry = fw.last_log_entry() or {}
    if entry.get('generationAfter') is not None:
        result['generation'] = entry['generationAfter']
    pending = fw.pending()
    if pending:
        result.update(deadline=pending.get('deadline'), confirmation_id=pending.get('id'))
    result['changed'] = True


def confirmed(fw, result):
    """Confirms the pending apply; with C(confirmation_id), only that one, and a rollback of it
    that came first (the reconnect took longer than the window) is a failure, not "ok"."""
    wanted = fw.params['confirmation_id']
    pending = fw.pending()
    if wanted and (pending is None or pending.get('id') != wanted):
        done = [e for e in fw.log_entries() if e.get('confirmationID') == wanted and e.get('action') in ('confirm', 'rollback')]
        if done and done[-1]['action'] == 'confirm':
            return
        if done:
            fw.module.fail_json(msg='the apply was rolled back at %s before it could be confirmed: %s'
                                % (done[-1].get('time'), '; '.join(done[-1].get('changes', []))), rc=1)
        fw.module.fail_json(msg='apply %s is not waiting for confirmation%s' % (
            wanted, ' (another one is: %s)' % pending.get('id') if pending else ''), rc=1)
    if pending is None:
        return
    fw.run(['confirm'] + fw.common())
    result['changed'] = True


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', default='applied', choices=['planned', 'applied', 'confirmed']),
            policy=dict(type='path', default='/etc/fwctl/policy'),
            host=dict(type='str'),
            binary=dict(type='path', default='/usr/bin/fwctl'),
            state_dir=dict(type='path', default='/var/lib/fwctl'),
            log=dict(type='path'),
            confirm=dict(type='int', default=60),
            force=dict(type='bool', default=False),
            retries=dict(type='int', default=3),
            confirmation_id=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    fw = Fwctl(module)
    if not os.access(module.params['binary'], os.X_OK):
        module.fail_json(msg='fwctl not found or not executable at %s (install the fwctl package or set binary)'
                         % module.params['binary'], rc=127)
    if not 0 <= module.params['confirm'] <= 86400:
        module.fail_json(msg='confirm takes 0 to 86400 seconds')
    result = dict(changed=False)
    state = module.params['state']
    if module.check_mode or state == 'planned':
        planned(fw, result)
    elif state == 'applied':
        applied(fw, result)
    else:
        confirmed(fw, result)
    entry = fw.last_log_entry()
    if entry and entry.get('hash'):
        result['log_hash'] = entry['hash']
    result.update(pending=fw.pending() is not None, stdout=fw.stdout, stderr=fw.stderr)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
