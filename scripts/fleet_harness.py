"""The fleet test's machinery (scripts/fleet-test.py): the fleet of namespaces built by
fwctl-fleet-lab, an sshd per host, Ansible's configuration and inventory, and reading back
what is loaded and logged."""

import calendar
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from nft_canon import canon

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
        # sshd's session processes outlive the listener, and once the namespaces are gone
        # no packet ever tells them their client left: end whatever still runs in the hosts'
        # and the operator's namespaces before fwctl-fleet-lab removes them.
        for ns in sorted({e['ns'] for e in self.ends.values()}):
            self.end_processes_in(ns)

    @staticmethod
    def end_processes_in(ns):
        def pids():
            r = subprocess.run(['ip', 'netns', 'pids', ns], capture_output=True, text=True)
            return [int(p) for p in r.stdout.split() if p.isdigit() and int(p) != os.getpid()]
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = pids()
            if not left:
                return
            for pid in left:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            for _ in range(50):
                if not pids():
                    return
                time.sleep(0.1)

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
    """Two tables as nft prints them, the same but for their counters' values (traffic) and
    the order of a map's elements (nft lists a hash map in its own order)."""
    return a is not None and b is not None and canon(a) == canon(b)


def same_objects(a, b):
    """The same sets, maps and chains, in any order: a rollback re-creates what the apply
    removed, and nft lists a table's objects in the order they were made."""
    return a is not None and b is not None and canon(a, blocks=True) == canon(b, blocks=True)


def epoch(stamp):
    """Seconds since 1970 of the apply log's `time` (ISO 8601, UTC)."""
    base = calendar.timegm(time.strptime(stamp[:19], '%Y-%m-%dT%H:%M:%S'))
    frac = re.match(r'\.(\d+)', stamp[19:])
    return base + (float('0.' + frac.group(1)) if frac else 0.0)


def fleet_entries(fleet, host):
    return [json.loads(line) for line in fleet.log_lines(host)]
