#!/bin/sh
# Start sshd for trading partners. Reads, from compose secrets:
#   /run/secrets/sftp_host_key         the server's ed25519 private key (fingerprint pinned
#                                      in AIRFLOW_CONN_PARTNER_SFTP)
#   /run/secrets/sftp_authorized_keys  public keys allowed to log in as SFTP_USER
# and creates SFTP_USER (default "edi") with inbox/, outbox/ and archive/ under the chroot.
set -eu

SFTP_USER="${SFTP_USER:-edi}"
SFTP_UID="${SFTP_UID:-50001}"
HOST_KEY="${SFTP_HOST_KEY_FILE:-/run/secrets/sftp_host_key}"
AUTHORIZED_KEYS="${SFTP_AUTHORIZED_KEYS_FILE:-/run/secrets/sftp_authorized_keys}"

case "$SFTP_USER" in
  *[!a-z0-9_-]*|"") echo "SFTP_USER must be lower-case letters, digits, - or _" >&2; exit 64 ;;
esac
for file in "$HOST_KEY" "$AUTHORIZED_KEYS"; do
  [ -r "$file" ] || { echo "missing secret $file (see docs/deployment.md)" >&2; exit 66; }
done

if ! id "$SFTP_USER" >/dev/null 2>&1; then
  useradd --uid "$SFTP_UID" --no-create-home --home-dir / --shell /usr/sbin/nologin "$SFTP_USER"
fi

# The chroot must be root-owned and not writable by the user; the folders inside are theirs.
install -d -o root -g root -m 0755 /srv/sftp
for dir in inbox outbox archive; do
  install -d -o "$SFTP_USER" -g "$SFTP_USER" -m 0750 "/srv/sftp/$dir"
done

# Secrets arrive world-readable; sshd refuses a host key that is not private.
install -d -o root -g root -m 0755 /etc/ssh/hub /etc/ssh/hub/authorized_keys
install -o root -g root -m 0600 "$HOST_KEY" /etc/ssh/hub/host_ed25519_key
install -o root -g root -m 0644 "$AUTHORIZED_KEYS" "/etc/ssh/hub/authorized_keys/$SFTP_USER"

config=/etc/ssh/hub/sshd_config
cp /opt/sftp/sshd_config "$config"
printf 'AllowUsers %s\n' "$SFTP_USER" >> "$config"

mkdir -p /run/sshd
/usr/sbin/sshd -t -f "$config"
exec /usr/sbin/sshd -D -e -f "$config"
