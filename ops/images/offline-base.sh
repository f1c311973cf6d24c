#!/usr/bin/env bash
# Builds a minimal, runnable Java 17 base image as a `docker save` tarball from this machine's JDK,
# for building Signet's images where no registry is reachable (Jib reads it with tar://):
#
#   ops/images/offline-base.sh target/offline-base.tar
#   ./mvnw -B -Pimages package -DskipTests -Djib.from.image=tar://$PWD/target/offline-base.tar
#
# The layer holds a jlink'd runtime (the modules the services use) at /opt/java/openjdk, the shared
# libraries it and RocksDB link against, copied from this host (glibc, libstdc++, zlib), the CA
# certificates, /tmp and a passwd entry for uid 10001. It is for builds and smoke tests on a
# machine without a registry; releases use the default base (eclipse-temurin), which is patched.
set -euo pipefail

out=${1:?usage: offline-base.sh OUTPUT.tar}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,\
java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,\
java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,\
jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.unsupported,\
jdk.zipfs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/opt/java" "$root/etc" "$root/tmp" "$root/lib64" "$root/lib/x86_64-linux-gnu"

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$root/opt/java/openjdk"
# Debian links cacerts to /etc/ssl/certs/java/cacerts: keep the content, not the link.
cp --remove-destination -L "$java_home/lib/security/cacerts" "$root/opt/java/openjdk/lib/security/cacerts"

# Every library the runtime's binaries load, from this host, at the paths the loader searches,
# plus what natives shipped in jars load (RocksDB: libstdc++, and glibc's pthread/dl/rt stubs).
libraries=$(find "$root/opt/java/openjdk" -name '*.so' -o -path '*/bin/*' -type f \
  | xargs ldd 2>/dev/null | awk '/=> \//{print $3}' | sort -u)
for library in $libraries /lib/x86_64-linux-gnu/{libstdc++.so.6,libgcc_s.so.1,libpthread.so.0,libdl.so.2,librt.so.1}; do
  cp -L "$library" "$root/lib/x86_64-linux-gnu/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nsignet:x:10001:0:signet:/var/lib/signet:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

mkdir -p "$work/image"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/image/layer.tar" .
diff_id=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat >"$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/bin:/bin","JAVA_HOME=/opt/java/openjdk","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"ops/images/offline-base.sh"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["signet-offline-base:17"],"Layers":["layer.tar"]}]\n' \
  >"$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
tar -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "$out: $(du -h "$out" | cut -f1) (runtime $(du -sh "$root/opt/java/openjdk" | cut -f1))"
