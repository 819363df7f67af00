#!/usr/bin/env bash
# Builds the release artifacts into target/release/:
#   lifeboat-<version>-linux-x64.tar.gz  bin/lifeboat, lib/lifeboat.jar, runtime/ (a Java runtime made with jlink),
#                                        share/man/man1, share/bash-completion, share/systemd, docs (with the
#                                        server's example configuration, share/doc/server.example.yaml)
#   lifeboat_<version>_amd64.deb         the same under /opt/lifeboat, /usr/bin/lifeboat, man pages, bash
#                                        completion and the systemd units in their Debian places
# Usage: scripts/release.sh [--no-build] [--no-deb]
#   --no-build  use the existing lifeboat-cli/target/lifeboat.jar
# Needs a JDK >= 21 with jlink and jdeps (found like the other scripts), zip, and dpkg-deb + fakeroot for the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=1 deb=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --no-deb) deb=0 ;;
    *) echo "usage: scripts/release.sh [--no-build] [--no-deb]" >&2; exit 2 ;;
  esac
done
JAVA_HOME="$(scripts/java-home.sh)"; export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
start=$(date +%s)

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)
[ -n "$version" ] || { echo "release: no version in pom.xml" >&2; exit 1; }
jar=lifeboat-cli/target/lifeboat.jar
if [ "$build" = 1 ]; then
  echo "release: building lifeboat.jar $version" >&2
  mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true package >&2
fi
[ -f "$jar" ] || { echo "release: $jar is missing (run without --no-build)" >&2; exit 1; }

out=target/release
work=$out/work
name=lifeboat-$version-linux-x64
rm -rf "$work" "$out/$name.tar.gz"
mkdir -p "$work"
stage=$work/$name
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/doc"

# Modules: what jdeps finds in the fat jar (module-info files of shaded libraries removed first, else jdeps
# takes the jar for a module), plus what libraries load by name at run time, which jdeps cannot see:
#   java.logging     java.util.logging, used by the PostgreSQL driver and sshd
#   jdk.crypto.cryptoki / jdk.crypto.ec are not needed: EC and Ed25519 live in java.base since JDK 22
#   jdk.zipfs        the zip file system provider
#   jdk.charsets     non-UTF charsets (odoo.conf or dumps in legacy encodings)
# Not jdk.localedata (about 10 MB): Lifeboat formats numbers and dates in the root locale.
cp "$jar" "$work/jdeps.jar"
zip -q -d "$work/jdeps.jar" 'META-INF/versions/*/module-info.class' >/dev/null || true
modules=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 21 "$work/jdeps.jar")
modules="$modules,java.logging,jdk.zipfs,jdk.charsets"
echo "release: jlink $modules" >&2
jlink --add-modules "$modules" --strip-java-debug-attributes --strip-native-debug-symbols=exclude-debuginfo-files \
  --no-header-files --no-man-pages --compress=zip-6 --output "$stage/runtime"

cp "$jar" "$stage/lib/lifeboat.jar"
cp packaging/bin/lifeboat "$stage/bin/lifeboat"
chmod 755 "$stage/bin/lifeboat"
cp packaging/pitr/lifeboat-wal-spool "$stage/lib/lifeboat-wal-spool"
chmod 755 "$stage/lib/lifeboat-wal-spool"

# Man pages and bash completion, generated from the command definitions.
java -cp "$jar" io.lifeboat.cli.ReleaseDocs "$work/gen" "$version" >&2
mkdir -p "$stage/share/man" "$stage/share/bash-completion/completions"
cp -r "$work/gen/man1" "$stage/share/man/man1"
cp "$work/gen/bash-completion/lifeboat" "$stage/share/bash-completion/completions/lifeboat"
if command -v groff >/dev/null; then
  for page in "$stage"/share/man/man1/*.1; do
    warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1 || true)
    [ -z "$warnings" ] || { echo "release: $page: $warnings" >&2; exit 1; }
  done
fi
cp -r packaging/systemd "$stage/share/systemd"
cp README.md CHANGELOG.md packaging/server/server.example.yaml packaging/server/logback-json.xml "$stage/share/doc/"
cp -r docs "$stage/share/doc/docs"

# The tarball: owner root, files in a stable order.
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$work" -czf "$out/$name.tar.gz" "$name"
echo "release: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))" >&2

if [ "$deb" = 1 ]; then
  debversion=${version//-/\~}
  pkg=$work/deb
  mkdir -p "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/man" "$pkg/usr/share/bash-completion/completions" \
    "$pkg/lib/systemd/system" "$pkg/usr/share/doc/lifeboat" "$pkg/DEBIAN"
  cp -a "$stage" "$pkg/opt/lifeboat"
  rm -rf "$pkg/opt/lifeboat/share"
  ln -s /opt/lifeboat/bin/lifeboat "$pkg/usr/bin/lifeboat"
  mkdir -p "$pkg/usr/lib/lifeboat"
  ln -s /opt/lifeboat/lib/lifeboat-wal-spool "$pkg/usr/lib/lifeboat/lifeboat-wal-spool"
  mkdir -p "$pkg/usr/share/man/man1"
  for page in "$stage"/share/man/man1/*.1; do gzip -9n < "$page" > "$pkg/usr/share/man/man1/$(basename "$page").gz"; done
  cp "$stage/share/bash-completion/completions/lifeboat" "$pkg/usr/share/bash-completion/completions/lifeboat"
  cp packaging/systemd/* "$pkg/lib/systemd/system/"
  cp -r "$stage/share/doc/"* "$pkg/usr/share/doc/lifeboat/"
  cp docs/systemd.md "$pkg/usr/share/doc/lifeboat/systemd.md"
  size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
  sed -e "s/@VERSION@/$debversion/" -e "s/@SIZE@/$size/" packaging/deb/control > "$pkg/DEBIAN/control"
  cp packaging/deb/postinst packaging/deb/postrm "$pkg/DEBIAN/"
  chmod 755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
  fakeroot dpkg-deb --build -Zxz "$pkg" "$out/lifeboat_${debversion}_amd64.deb" >&2
  echo "release: $out/lifeboat_${debversion}_amd64.deb ($(du -h "$out/lifeboat_${debversion}_amd64.deb" | cut -f1))" >&2
fi
rm -rf "$work"
echo "release: done in $(( $(date +%s) - start )) s" >&2
