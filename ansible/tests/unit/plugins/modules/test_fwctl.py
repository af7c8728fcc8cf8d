# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fwctl module against a fake fwctl (no root, no kernel): what it runs, what it returns.

Run: python3 ansible/tests/unit/plugins/modules/test_fwctl.py (make ansible-lint runs it)
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

MODULE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules', 'fwctl.py')

# Plays fwctl: `plan --out` writes FAKE_PLAN; `apply` fails while FAKE_DIR/stale counts down or
# with FAKE_DIR/refuse's message, else leaves a pending confirmation and a log entry; `confirm`
# consumes the pending one. Every call is appended to FAKE_DIR/calls.
FAKE = textwrap.dedent('''\
    #!PYTHON
    import json, os, sys, time
    d = os.environ['FAKE_DIR']
    args = sys.argv[1:]
    with open(os.path.join(d, 'calls'), 'a') as f:
        f.write(' '.join(args) + '\\n')
    def opt(name):
        return args[args.index(name) + 1]
    def log(entry):
        with open(opt('--log'), 'a') as f:
            f.write(json.dumps(entry) + '\\n')
    if args[0] == 'plan':
        with open(os.path.join(d, 'plan.json')) as f:
            plan = json.load(f)
        with open(opt('--out'), 'w') as f:
            json.dump(plan, f)
        print('Plan: %d to add, %d to change, %d to remove.' % (plan['summary']['add'], plan['summary']['change'], plan['summary']['remove']))
    elif args[0] == 'apply':
        stale = os.path.join(d, 'stale')
        if os.path.exists(stale):
            n = int(open(stale).read())
            if n > 0:
                open(stale, 'w').write(str(n - 1))
                sys.stderr.write('fwctl: error: the ruleset changed since it was read (generation 7, now 8); nothing was applied\\n')
                sys.exit(1)
        if os.path.exists(os.path.join(d, 'refuse')):
            sys.stderr.write('fwctl: error: ' + open(os.path.join(d, 'refuse')).read())
            sys.exit(1)
        with open(os.path.join(opt('--state-dir'), 'pending-confirm.json'), 'w') as f:
            json.dump({'id': 'c1', 'deadline': 1234.5}, f)
        log({'action': 'apply', 'outcome': 'applied', 'generationAfter': 9, 'hash': 'h-apply', 'confirmationID': 'c1'})
        print('Applied.')
    elif args[0] == 'confirm':
        os.remove(os.path.join(opt('--state-dir'), 'pending-confirm.json'))
        log({'action': 'confirm', 'outcome': 'confirmed', 'hash': 'h-confirm', 'confirmationID': 'c1'})
        print('Confirmed.')
    ''').replace('PYTHON', sys.executable)

CHANGES = {'generation': 7, 'summary': {'add': 0, 'change': 1, 'remove': 0},
           'changes': [{'op': 'addElements', 'set': 'role_web_v4', 'elements': [1]}]}
NONE = {'generation': 7, 'summary': {'add': 0, 'change': 0, 'remove': 0}, 'changes': []}


class FwctlModuleTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.state = os.path.join(self.dir, 'state')
        os.mkdir(self.state)
        self.binary = os.path.join(self.dir, 'fwctl')
        with open(self.binary, 'w') as f:
            f.write(FAKE)
        os.chmod(self.binary, 0o755)
        self.plan(CHANGES)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def plan(self, plan):
        with open(os.path.join(self.dir, 'plan.json'), 'w') as f:
            json.dump(plan, f)

    def calls(self):
        try:
            with open(os.path.join(self.dir, 'calls')) as f:
                return [line.split()[0] for line in f]
        except IOError:
            return []

    def module(self, check_mode=False, diff=False, **params):
        args = dict(binary=self.binary, state_dir=self.state, policy='/p', host='web-01', _ansible_check_mode=check_mode,
                    _ansible_diff=diff, _ansible_tmpdir=self.dir, _ansible_remote_tmp=self.dir, _ansible_keep_remote_files=False)
        args.update(params)
        path = os.path.join(self.dir, 'args.json')
        with open(path, 'w') as f:
            json.dump({'ANSIBLE_MODULE_ARGS': args}, f)
        env = dict(os.environ, FAKE_DIR=self.dir)
        r = subprocess.run([sys.executable, MODULE, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
        return json.loads(r.stdout)

    def test_planned_is_changed_exactly_when_the_plan_has_changes(self):
        r = self.module(state='planned', diff=True)
        self.assertTrue(r['changed'])
        self.assertEqual(r['summary'], CHANGES['summary'])
        self.assertIn('Plan: 0 to add, 1 to change', r['diff']['prepared'])
        self.plan(NONE)
        self.assertFalse(self.module(state='planned')['changed'])
        self.assertEqual(self.calls(), ['plan', 'plan'])

    def test_applied_returns_deadline_generation_and_log_hash(self):
        r = self.module(state='applied', confirm=30)
        self.assertTrue(r['changed'])
        self.assertEqual((r['deadline'], r['generation'], r['log_hash'], r['pending']), (1234.5, 9, 'h-apply', True))
        self.assertEqual(self.calls(), ['plan', 'apply'])

    def test_applied_with_an_empty_plan_applies_nothing(self):
        self.plan(NONE)
        r = self.module(state='applied')
        self.assertFalse(r['changed'])
        self.assertEqual(self.calls(), ['plan'])

    def test_check_mode_only_plans(self):
        r = self.module(state='applied', check_mode=True)
        self.assertTrue(r['changed'])
        self.assertEqual(self.calls(), ['plan'])

    def test_confirmed_confirms_only_what_is_pending(self):
        self.assertFalse(self.module(state='confirmed')['changed'])
        self.module(state='applied')
        r = self.module(state='confirmed')
        self.assertTrue(r['changed'])
        self.assertEqual((r['log_hash'], r['pending']), ('h-confirm', False))
        self.assertEqual(self.calls(), ['plan', 'apply', 'confirm'])

    def test_confirming_an_apply_the_watchdog_rolled_back_fails(self):
        self.assertEqual(self.module(state='applied')['confirmation_id'], 'c1')
        # The window ran out before the reconnect: the watchdog restored and logged it.
        os.remove(os.path.join(self.state, 'pending-confirm.json'))
        with open(os.path.join(self.state, 'apply-log.jsonl'), 'a') as f:
            f.write(json.dumps({'action': 'rollback', 'confirmationID': 'c1', 'time': 'T', 'changes': ['restored']}) + '\n')
        r = self.module(state='confirmed', confirmation_id='c1')
        self.assertTrue(r['failed'])
        self.assertIn('rolled back at T before it could be confirmed', r['msg'])
        self.assertEqual(self.calls(), ['plan', 'apply'])

    def test_confirming_by_id_confirms_once_and_then_reports_ok(self):
        self.module(state='applied')
        self.assertTrue(self.module(state='confirmed', confirmation_id='c1')['changed'])
        r = self.module(state='confirmed', confirmation_id='c1')
        self.assertFalse(r['changed'])
        self.assertNotIn('failed', r)

    def test_a_refusal_fails_with_fwctls_message_and_status(self):
        with open(os.path.join(self.dir, 'refuse'), 'w') as f:
            f.write('the new input chain drops new SSH connections from 198.51.100.1 (rule 3); use --force\n')
        r = self.module(state='applied')
        self.assertTrue(r['failed'])
        self.assertEqual(r['rc'], 1)
        self.assertEqual(r['msg'], 'the new input chain drops new SSH connections from 198.51.100.1 (rule 3); use --force')

    def test_a_stale_generation_is_planned_and_applied_again(self):
        with open(os.path.join(self.dir, 'stale'), 'w') as f:
            f.write('2')
        r = self.module(state='applied', retries=3)
        self.assertTrue(r['changed'])
        self.assertEqual(self.calls(), ['plan', 'apply'] * 3)

    def test_a_generation_stale_after_every_retry_fails(self):
        with open(os.path.join(self.dir, 'stale'), 'w') as f:
            f.write('9')
        r = self.module(state='applied', retries=1)
        self.assertTrue(r['failed'])
        self.assertIn('the ruleset changed since it was read', r['msg'])
        self.assertEqual(self.calls(), ['plan', 'apply'] * 2)

    def test_a_missing_binary_fails_with_127(self):
        r = self.module(state='planned', binary=os.path.join(self.dir, 'nope'))
        self.assertTrue(r['failed'])
        self.assertEqual(r['rc'], 127)
        self.assertIn('not found', r['msg'])


if __name__ == '__main__':
    unittest.main()
