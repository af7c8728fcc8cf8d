#!/usr/bin/env bash
# Lints the Ansible collection in ansible/ offline: ansible-lint, yamllint, ansible-doc, the
# ansible-test sanity tests that need no virtual environment (the others download pip's
# bootstrap script, which an offline machine cannot), and, run directly with Debian's packages,
# what those others check: pycodestyle and pylint with ansible-test's settings, and
# validate-modules; then the module's unit tests (a fake fwctl, no root).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
coll="$tmp/ansible_collections/fwctl/fleet"
mkdir -p "$(dirname "$coll")"
cp -r "$repo/ansible" "$coll"
export HOME="$tmp/home" ANSIBLE_LOCAL_TEMP="$tmp/local-tmp" ANSIBLE_COLLECTIONS_PATH="$tmp" LANG=C.UTF-8
mkdir -p "$HOME"
at=/usr/lib/python3/dist-packages/ansible_test
status=0
step() { echo "== $*"; "$@" || { echo "FAILED: $*"; status=1; }; }
cd "$coll"
step ansible-lint --offline -p roles/fwctl playbooks/rollout.yml
step yamllint -d '{extends: default, rules: {line-length: {max: 160}, document-start: disable}}' .
step ansible-doc -t module fwctl.fleet.fwctl >/dev/null
step ansible-doc -t role fwctl.fleet.fwctl >/dev/null
offline=(action-plugin-docs compile empty-init future-import-boilerplate line-endings metaclass-boilerplate
         no-assert no-basestring no-dict-iteritems no-dict-iterkeys no-dict-itervalues no-get-exception
         no-illegal-filenames no-main-display no-smart-quotes no-unicode-literals replace-urlopen shebang
         symlinks use-argspec-type-path use-compat-six ignores)
args=(); for t in "${offline[@]}"; do args+=(--test "$t"); done
step ansible-test sanity --local --python-interpreter /usr/bin/python3 "${args[@]}"
step /usr/bin/python3 -m pycodestyle --max-line-length 160 --ignore E402,W503,W504,E741 plugins/modules
step /usr/bin/python3 -m pylint --rcfile "$at/_util/controller/sanity/pylint/config/collection.cfg" --disable import-error plugins/modules/*.py
# validate-modules, run as ansible-test runs it, on Debian's voluptuous instead of a venv.
vm="$at/_util/controller/sanity/validate-modules"
validate() {
  out="$(PYTHONPATH="$vm" /usr/bin/python3 "$vm/validate.py" --format plain --arg-spec \
         --collection ansible_collections/fwctl/fleet --collection-version 1.0.0 plugins/modules/*.py 2>&1)"
  [ -z "$out" ] || { echo "$out"; return 1; }
}
step validate
step /usr/bin/python3 tests/unit/plugins/modules/test_fwctl.py
exit $status
