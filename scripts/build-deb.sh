#!/usr/bin/env bash
# `make deb`: builds dist/fwctl_<version>_amd64.deb from this tree, offline, with dpkg-deb.
#   - fwctl built in release mode with the Swift runtime and Foundation linked statically
#     (its own scratch directory, .build-deb/, so `make release` keeps its own), stripped;
#   - man pages made by swift-argument-parser's generate-manual from the commands' help,
#     shell completions by fwctl itself, Depends: computed by dpkg-shlibdeps;
#   - the units, maintainer scripts, conffiles, copyright and changelog from packaging/.
# The package is rebuilt only when a file it is made from changed (.build-deb/key holds the
# hash of those files); dist/ then holds exactly this one package.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
scratch=.build-deb
mkdir -p "$scratch" dist

key=$( { find Sources packaging -type f; echo Package.swift; echo scripts/build-deb.sh; echo docs/POLICY-LANGUAGE.md; echo docs/CLI.md; echo README.md; } \
       | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64)
existing=(dist/fwctl_*_amd64.deb)
if [ -f "$scratch/key" ] && [ "$(cat "$scratch/key")" = "$key" ] && [ ${#existing[@]} = 1 ] && [ -f "${existing[0]}" ]; then
  echo "${existing[0]} is up to date"
  exit 0
fi

echo "building fwctl (release, --static-swift-stdlib)"
"$SWIFT" build -c release --static-swift-stdlib --product fwctl --scratch-path "$scratch/build" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
"$SWIFT" build -c release --static-swift-stdlib --product generate-manual --scratch-path "$scratch/build" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
bin="$scratch/build/release/fwctl"
[ -x "$bin" ] || { echo "build-deb: $bin was not built" >&2; exit 1; }

root="$scratch/root"
rm -rf "$root"
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/fwctl" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/fish/vendor_completions.d" "$root/lib/systemd/system" "$root/etc/fwctl/policy" "$root/etc/default"
install -d -m 0700 "$root/var/lib/fwctl"
install -m 0755 "$bin" "$root/usr/bin/fwctl"
strip --strip-all --remove-section=.comment --remove-section=.note "$root/usr/bin/fwctl"
fwctl="$root/usr/bin/fwctl"

version=$("$fwctl" --version)
changelog_version=$(sed -n '1s/^fwctl (\([^)]*\)).*/\1/p' packaging/debian/changelog)
if [ "$version" != "$changelog_version" ]; then
  echo "build-deb: fwctl --version says $version but packaging/debian/changelog's top entry is $changelog_version: add an entry for $version" >&2
  exit 1
fi

# Man pages: fwctl.1 and one per subcommand (fwctl.restore.1 ...), named as man(1) finds them.
man="$scratch/man"
rm -rf "$man"; mkdir -p "$man"
"$scratch/build/release/generate-manual" "$fwctl" --multi-page --output-directory "$man" \
  --date "$(date -u -d "@$(stat -c %Y packaging/debian/changelog)" +%Y-%m-%d)" --authors "fwctl maintainers" > /dev/null
for page in "$man"/*.1; do
  name=$(basename "$page" .1)
  name=${name//./-}   # fwctl.restore -> fwctl-restore
  # As git's pages do: NAME (what whatis/apropos index) is the page's name, fwctl-restore;
  # the synopsis keeps the command as typed, fwctl restore. Blank lines become paragraph
  # breaks (groff warns about empty input lines).
  awk -v page="$name" '
    /^\.Dt / { $2 = toupper(page) }
    /^\.Nm "/ && !named { command = substr($0, 5); print ".Nm " page; named = 1; next }
    /^\.Nm$/ && command != "" { print ".Nm " command; next }
    /^$/ { print ".Pp"; next }
    { print }' "$page" | gzip -9n > "$root/usr/share/man/man1/$name.1.gz"
  chmod 0644 "$root/usr/share/man/man1/$name.1.gz"
done

# Sourced by bash-completion, not run: no #! line.
"$fwctl" --generate-completion-script bash | sed '1{/^#!/d}' > "$root/usr/share/bash-completion/completions/fwctl"
"$fwctl" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_fwctl"
"$fwctl" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/fwctl.fish"

install -m 0644 packaging/systemd/fwctl.service packaging/systemd/fwctl-status.service packaging/systemd/fwctl-status.timer "$root/lib/systemd/system/"
install -m 0644 packaging/debian/example.policy "$root/etc/fwctl/policy/example.policy"
install -m 0644 packaging/debian/default "$root/etc/default/fwctl"
install -m 0644 packaging/debian/copyright "$root/usr/share/doc/fwctl/copyright"
gzip -9n < packaging/debian/changelog > "$root/usr/share/doc/fwctl/changelog.gz"
for doc in README.md docs/CLI.md docs/POLICY-LANGUAGE.md; do
  gzip -9n < "$doc" > "$root/usr/share/doc/fwctl/$(basename "$doc").gz"
done
chmod 0644 "$root"/usr/share/doc/fwctl/* "$root"/usr/share/*/*completions*/* "$root"/usr/share/bash-completion/completions/*

install -m 0644 packaging/debian/conffiles "$root/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"

# Depends: what the binary links, with the versions dpkg-shlibdeps derives from the symbols.
shlib="$scratch/shlibdeps"
rm -rf "$shlib"; mkdir -p "$shlib/debian"
printf 'Source: fwctl\n\nPackage: fwctl\nArchitecture: amd64\n' > "$shlib/debian/control"
depends=$(cd "$shlib" && dpkg-shlibdeps -O "$OLDPWD/$fwctl" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@DEPENDS@/$depends/" packaging/debian/control.in > "$root/DEBIAN/control"

rm -f dist/fwctl_*_amd64.deb
deb="dist/fwctl_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
echo "$key" > "$scratch/key"
echo "$deb: $(du -k "$deb" | cut -f1) kB (installed $size kB; fwctl stripped $(du -k "$fwctl" | cut -f1) kB, unstripped $(du -k "$bin" | cut -f1) kB)"
echo "Depends: $depends"
