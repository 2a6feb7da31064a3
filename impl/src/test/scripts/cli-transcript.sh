#!/usr/bin/env bash
# Prints what the admin CLI of JAR answers to every --help, a set of usage errors and a full admin
# session on a fresh embedded database, ids, keys, kids and times masked, so that the transcripts of
# two builds can be compared with diff (a reshape must leave them identical; rows created in one
# import may list in either order, their ids being random within the same millisecond):
#   impl/src/test/scripts/cli-transcript.sh old.jar > old.txt; ... new.jar > new.txt; diff old.txt new.txt
set -uo pipefail
JAR=$(readlink -f "$1")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PORTAL_KEY_ENCRYPTION_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
cli() {
  echo "\$ portal-token-server $*"
  java -jar "$JAR" "$@" --data-dir "$WORK/data" 2>&1 < /dev/null
  echo "[exit $?]"
}
bare() {
  echo "\$ portal-token-server $*"
  java -jar "$JAR" "$@" 2>&1 < /dev/null
  echo "[exit $?]"
}
mask() {
  sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
    -e 's/cus_[0-9A-Za-z]{16,24}/cus_<id>/g' \
    -e 's/pt_(live|portal)_[0-9A-Za-z]{43}\/[0-9A-Za-z]+/pt_\1_<key>/g' \
    -e 's/pt_(live|portal)_[0-9A-Za-z]{4}\.\.\.[0-9A-Za-z]{4}/pt_\1_<hint>/g' \
    -e 's/(ed25519|p256)-[0-9A-Za-z_-]{8,}/\1-<kid>/g' \
    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<time>/g' \
    -e 's/[A-Za-z0-9_-]{43}/<kid>/g' \
    -e 's/[0-9A-Za-z]{21,22}( |$)/<id>\1/g' \
    -e 's/"[0-9A-Za-z]{21,22}"/"<id>"/g' \
    -e "s#$WORK#<work>#g"
}
{
  bare --help
  for group in tenant api-key portal-key customer keys token; do
    bare "$group" --help
  done
  for command in "tenant list" "tenant create" "tenant update" "api-key list" "api-key create" "api-key revoke" \
      "portal-key list" "portal-key create" "portal-key revoke" "customer list" "customer create" "customer update" \
      "customer archive" "customer unarchive" "customer revoke-tokens" "customer import" "keys list" "keys rotate" \
      "keys retire" "token verify" "token revoke"; do
    # shellcheck disable=SC2086
    bare $command --help
  done
  # usage errors
  bare tenant create
  bare tenant create --slug
  bare api-key create
  bare customer archive --tenant acme
  bare keys rotate --alg RS256
  bare token verify a b
  bare nosuchcommand
  # a full admin session, on a database that serve created (only serve creates one)
  java -jar "$JAR" serve --host 127.0.0.1 --port 0 --data-dir "$WORK/data" > "$WORK/serve.log" 2>&1 &
  SERVE=$!
  for _ in $(seq 1 180); do grep -qE 'ready in|started in' "$WORK/serve.log" && break; sleep 1; done
  kill "$SERVE"; wait "$SERVE" 2>/dev/null
  cli tenant create --slug acme --name "Acme Inc"
  cli tenant create --slug acme
  cli tenant create --slug "Not A Slug"
  cli tenant update --slug acme
  cli tenant update --slug acme --portal-url https://billing.acme.example
  cli tenant update --slug acme --portal-url not-a-url
  cli tenant update --slug nobody --name X
  cli tenant list
  cli tenant list --json
  cli api-key create --tenant acme --name production
  cli api-key create --tenant nobody
  cli api-key list --tenant acme
  cli api-key revoke --tenant acme not-an-id
  cli api-key revoke --tenant acme 2vIOgNg2ElyLMxWAPn6Xz
  cli portal-key create --name billing-portal
  cli portal-key list --json
  cli portal-key revoke 2vIOgNg2ElyLMxWAPn6Xz
  cli customer create --tenant acme --alias acme-42 --name "Acme 42" --email billing@acme.example
  cli customer create --tenant acme --alias acme-42
  cli customer create --tenant acme --alias "bad alias"
  cli customer create --tenant acme --email not-an-email
  cli customer update --tenant acme acme-42
  cli customer update --tenant acme acme-42 --name "Acme Forty-Two"
  cli customer update --tenant acme nobody --name X
  cli customer archive --tenant acme acme-42
  cli customer archive --tenant acme acme-42
  cli customer unarchive --tenant acme acme-42
  cli customer unarchive --tenant acme acme-42
  cli customer revoke-tokens --tenant acme acme-42
  cli customer revoke-tokens --tenant acme nobody
  printf 'alias,name,email\nimported-1,One,one@acme.example\nimported-2,Two,\n' > "$WORK/ok.csv"
  printf 'alias,name,email\nbad alias,x,\nimported-1,,not-an-email\n' > "$WORK/bad.csv"
  cli customer import --tenant acme "$WORK/ok.csv"
  cli customer import --tenant acme "$WORK/bad.csv"
  cli customer import --tenant acme "$WORK/missing.csv"
  cli customer list --tenant acme
  cli keys list
  cli keys rotate
  cli keys retire nosuchkid
  cli token verify not-a-token
  echo 'a.b.c' | { echo "\$ portal-token-server token verify <stdin"; java -jar "$JAR" token verify --data-dir "$WORK/data" 2>&1; echo "[exit $?]"; }
} | mask
