#!/usr/bin/env bash
# Issue #12, item 2: a source encrypted with a customer key (SSE-C) copied to a
# target with another customer key. AWS copies such a pair server-side
# (CopyObject and UploadPartCopy with the source's key on the copy-source
# headers and the target's on the destination's), so s3engine tries that first;
# radosgw 16 cannot (CopyObject 501 NotImplemented, UploadPartCopy 400
# InvalidArgument: it reads the source with the part's key), so that object is
# streamed instead and the target remembered: later objects to it are streamed
# at once. Checked:
#  - on radosgw: every object copied (method stream), the refusal logged once,
#    one object tried server-side, no upload left; the copies byte for byte the
#    sources, readable with the target's key only; a rerun copies nothing;
#  - as AWS does it (the fault proxy's --ssec-copy, tests/faultproxy/ssec_copy.py):
#    every object copied server-side (method copy, each CopyObject and
#    UploadPartCopy made with both keys, no GetObject of a source), byte for byte,
#    readable with the target's key only.
# Before: every such pair was streamed, the server never asked.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_ssec.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
head -c 32 /dev/urandom >"$dir/target.key"
export S3E_TEST_SOURCE_KEY=$(head -c 32 /dev/urandom | base64)

# boto3 with the keys (lib_ssec.sh): py CODE ARGS...
py() { ssec_py "$dir" "$@"; }

out=$(py '
for i in range(5):
    body = hashlib.sha256(b"%d" % i).digest() * (100 + 1000 * i)
    s3.put_object(Bucket=sys.argv[1], Key="enc/s%d.bin" % i, Body=body, SSECustomerAlgorithm="AES256",
                  SSECustomerKey=k_src, Metadata={"n": str(i)})
s3.put_object(Bucket=sys.argv[1], Key="enc/t0.bin", Body=os.urandom(11 * 1024 * 1024),
              SSECustomerAlgorithm="AES256", SSECustomerKey=k_src)
print("put")' "$src" 2>&1)
expect_eq "$out" "put" "six sources encrypted with the source key (one of 11 MiB)"

cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "enc/", sse_c_key_env = "S3E_TEST_SOURCE_KEY" } },
         targets = { out = { bucket = "$dst", prefix = "PREFIX", sse_c_key_file = "target.key" } },
         multipart_cutoff = "8MiB", part_size = "5MiB", workers = 1 }
LUA

# run PREFIX ENDPOINT NAME: copy enc/ to PREFIX through ENDPOINT; sets rc, log $dir/NAME.out
run() {
  sed "s|PREFIX|$1|" "$dir/plan.lua" \
    >"$dir/$3.lua"
  rc=0
  s3e -v "$dir/$3.lua" --endpoint "$2" --report "$dir/$3.csv" >"$dir/$3.out" 2>&1 || rc=$?
}

# same PREFIX: the copies under PREFIX are the sources, readable with the target key only
same() {
  py '
for i in ["s%d.bin" % i for i in range(5)] + ["t0.bin"]:
    if get(sys.argv[1], "enc/" + i, k_src) != get(sys.argv[2], sys.argv[3] + i, k_dst):
        print(i, "differs")
    h = s3.head_object(Bucket=sys.argv[2], Key=sys.argv[3] + i, SSECustomerAlgorithm="AES256",
                       SSECustomerKey=k_dst)
    if h.get("SSECustomerKeyMD5") != base64.b64encode(hashlib.md5(k_dst).digest()).decode():
        print(i, "not encrypted with the target key")
    if i.startswith("s") and h.get("Metadata") != {"n": i[1]}:
        print(i, "metadata", h.get("Metadata"))
    for key in (None, k_src):
        try:
            get(sys.argv[2], sys.argv[3] + i, key)
            print(i, "readable with", "no key" if key is None else "the source key")
        except Exception:
            pass
print("checked")' "$src" "$dst" "$1" 2>&1
}

# ---- radosgw 16: refused server-side, so streamed -------------------------------
run r/ "$AWS_ENDPOINT_URL" r
expect_eq "$rc:$(grep -c ',copied,' "$dir/r.csv")" "0:6" "radosgw: all six copied (exit 0)"
expect_eq "$(report_col "$dir/r.csv" method | sort -u | tr '\n' ' ')" "stream " \
  "radosgw: the report's method is stream"
expect_eq "$(grep -c 'targets.out: the server cannot copy from another customer key' "$dir/r.out")" 1 \
  "radosgw: the refusal is logged once"
expect_contains "$(grep 'cannot copy from another customer key' "$dir/r.out")" \
  "InvalidArgument, HTTP 400 on UploadPartCopy" "radosgw: it names radosgw's answer"
expect_eq "$(grep -c ': streaming it (' "$dir/r.out")" 1 \
  "radosgw: one object tried server-side, the later ones streamed at once"
expect_eq "$(same r/)" "checked" "radosgw: byte for byte, encrypted with the target key only"
expect_eq "$(s3check uploads "$dst")" 0 "radosgw: the refused upload is aborted"
run r/ "$AWS_ENDPOINT_URL" r2
expect_eq "$rc:$(grep -c ',skipped,' "$dir/r2.csv")" "0:6" "radosgw: a rerun copies nothing"

# ---- as AWS does it: server-side ---------------------------------------------------
ep=$(fault_proxy_start --ssec-copy) || { fail "proxy"; finish; }
run a/ "$ep" a
expect_eq "$rc:$(grep -c ',copied,' "$dir/a.csv")" "0:6" "AWS: all six copied (exit 0)"
expect_eq "$(report_col "$dir/a.csv" method | sort -u | tr '\n' ' ')" "copy " \
  "AWS: the report's method is copy"
expect_eq "$(grep -c "^SSE-C CopyObject /$dst/a/s" "$FAULT_PROXY_LOG")" 5 \
  "AWS: each small object by one CopyObject with both keys"
expect_eq "$(grep -c "^SSE-C UploadPartCopy /$dst/a/t0.bin" "$FAULT_PROXY_LOG")" 3 \
  "AWS: the 11 MiB object by three UploadPartCopy with both keys"
expect_eq "$(grep -c "op=GetObject" "$FAULT_PROXY_LOG")" 0 "AWS: no source read through this machine"
expect_eq "$(grep -c 'cannot copy from another customer key\|streaming it' "$dir/a.out")" 0 \
  "AWS: nothing falls back"
expect_eq "$(same a/)" "checked" "AWS: byte for byte, encrypted with the target key only"
run a/ "$ep" a2
expect_eq "$rc:$(grep -c ',skipped,' "$dir/a2.csv")" "0:6" "AWS: a rerun copies nothing"

tkey=$(base64 <"$dir/target.key")
expect_eq "$(cat "$dir"/*.out "$dir"/*.csv | grep -cF -e "$tkey" -e "$S3E_TEST_SOURCE_KEY")" 0 \
  "no log line or report holds a key"
finish
