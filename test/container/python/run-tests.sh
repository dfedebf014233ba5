#!/bin/sh
# Starts QKMS with the key the tests sign with, runs them with pytest, and removes QKMS again.
set -eu

docker run -d --name qkms-test \
  -p 127.0.0.1:8080:8080 -p 127.0.0.1:9464:9464 \
  -e QKMS_DEV_KEYS=alias/app=ECC_NIST_P256 \
  -e QKMS_DEV_ACCESS_KEY_ID=QKMSTESTACCESSKEY1 \
  -e QKMS_DEV_SECRET_ACCESS_KEY=test-secret-for-local-tests \
  qkms:dev >/dev/null
trap 'docker rm -f -v qkms-test >/dev/null' EXIT

# Ready: /readyz answers 200 once the token is open and the QKMS_DEV_KEYS keys exist.
tries=0
until curl -fs http://127.0.0.1:9464/readyz >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 120 ]; then docker logs qkms-test; exit 1; fi
  sleep 1
done

python3 -m pytest -q test_signing.py
