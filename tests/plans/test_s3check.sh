#!/usr/bin/env bash
# test_s3check.sh - the independent checker (s3check.py) itself works against the server:
# every plan test trusts it, so it is checked first, without s3engine.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

a=$(fresh_bucket chk-a) || finish
b=$(fresh_bucket chk-b) || finish
check "mb on an existing bucket succeeds" s3check mb "$a"

# put with metadata and tags, then head shows them
check "put 5000 bytes with type, meta and tags" \
  s3check put "s3://$a/dir/one.bin" 5000 --content-type application/x-test \
  --meta color=blue --meta owner=qa --tag project=s3e --tag tier=gold
h=$(s3check head "s3://$a/dir/one.bin")
field() { /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v if isinstance(v,(str,int)) else json.dumps(v, sort_keys=True))' "$1" <<<"$h"; }
expect_eq "$(field ContentLength)" 5000 "head: ContentLength"
expect_eq "$(field ContentType)" application/x-test "head: ContentType"
expect_eq "$(field Metadata)" '{"color": "blue", "owner": "qa"}' "head: Metadata"
expect_eq "$(field Tags)" '{"project": "s3e", "tier": "gold"}' "head: Tags"
expect_eq "$(field StorageClass)" STANDARD "head: StorageClass"
etag=$(field ETag)

# content is deterministic: same key and size give the same bytes in another bucket
check "put the same key and size into the second bucket" \
  s3check put "s3://$b/dir/one.bin" 5000 --content-type application/x-test \
  --meta color=blue --meta owner=qa --tag project=s3e --tag tier=gold
m1=$(s3check md5 "s3://$a/dir/one.bin")
expect_eq "$(s3check md5 "s3://$b/dir/one.bin")" "$m1" "md5: same key, same bytes"
expect_eq "$m1" "$etag" "md5 equals the single-part ETag"
check "same: identical objects" s3check same "s3://$a/dir/one.bin" "s3://$b/dir/one.bin"

# same detects each kind of difference, and reports only that one
# (--seed gives these other keys the bytes of dir/one.bin)
common=(--content-type application/x-test --meta color=blue --meta owner=qa --tag project=s3e --tag tier=gold)
s3check put "s3://$b/copy.bin" 5000 --seed dir/one.bin "${common[@]}" >/dev/null
check "same: equal bytes and properties under another key" \
  s3check same "s3://$a/dir/one.bin" "s3://$b/copy.bin"
s3check put "s3://$b/meta.bin" 5000 --seed dir/one.bin --content-type application/x-test \
  --meta color=red --meta owner=qa --tag project=s3e --tag tier=gold >/dev/null
s3check put "s3://$b/type.bin" 5000 --seed dir/one.bin --content-type text/plain \
  --meta color=blue --meta owner=qa --tag project=s3e --tag tier=gold >/dev/null
s3check put "s3://$b/tags.bin" 5000 --seed dir/one.bin --content-type application/x-test \
  --meta color=blue --meta owner=qa --tag project=s3e >/dev/null
s3check put "s3://$b/size.bin" 5001 --seed dir/one.bin "${common[@]}" >/dev/null
for kv in meta:Metadata type:ContentType tags:Tags size:ContentLength; do
  k=${kv%%:*} what=${kv#*:}
  expect_exit 1 s3check same "s3://$a/dir/one.bin" "s3://$b/$k.bin"
  out=$(s3check same "s3://$a/dir/one.bin" "s3://$b/$k.bin" 2>/dev/null)
  expect_eq "$(cut -d: -f1 <<<"$out")" "$what" "same reports exactly the $what difference"
done
# same size, same properties, different bytes (content is seeded by the key)
s3check put "s3://$b/dir/two.bin" 5000 --content-type application/x-test --meta color=blue \
  --meta owner=qa --tag project=s3e --tag tier=gold >/dev/null
out=$(s3check same "s3://$a/dir/one.bin" "s3://$b/dir/two.bin" 2>&1)
expect_contains "$out" "bytes: md5" "same reports differing bytes"

# same-tree: every difference counts; --missing-ok names missing objects instead
expect_exit 1 s3check same-tree "s3://$b/dir/" "s3://$a/dir/"
out=$(s3check same-tree --missing-ok "s3://$b/dir/" "s3://$a/dir/")
expect_eq "$?" 0 "same-tree --missing-ok: a missing object is no difference"
expect_contains "$out" "missing	two.bin" "but it is named"
expect_exit 1 s3check same-tree --missing-ok "s3://$a/dir/" "s3://$b/dir/"
s3check put "s3://$a/t/x.bin" 100 >/dev/null
s3check put "s3://$b/t/x.bin" 100 --meta k=v >/dev/null
out=$(s3check same-tree --missing-ok "s3://$a/t/" "s3://$b/t/" 2>&1)
expect_contains "$out" "x.bin: Metadata" "same-tree --missing-ok still reports what differs"

# a multipart put (> 16 MiB) and its ETag
check "put 17 MiB (multipart)" s3check put "s3://$a/big/large.mp4" 17MiB
h=$(s3check head "s3://$a/big/large.mp4")
expect_eq "$(field ContentLength)" $((17 * 1024 * 1024)) "multipart object size"
expect_eq "$(field ContentType)" video/mp4 "content type guessed from the extension"
expect_contains "$(field ETag)" "-3" "multipart ETag names 3 parts"
expect_eq "$(s3check md5 "s3://$a/big/large.mp4")" \
  "$(/usr/bin/python3 -c 'import sys,hashlib; sys.path.insert(0,sys.argv[1]); import s3check as s; print(hashlib.md5(s.content("big/large.mp4",0,17*1024*1024)).hexdigest())' "$PLAN_LIB_DIR")" \
  "multipart bytes are the deterministic stream"

# load: mixed types under a prefix, plus a big one
check "load 40 objects + a 20 MiB video" s3check load "$a" demo 40 --big 20MiB
expect_eq "$(s3check count "s3://$a/demo/")" 41 "count after load"
expect_eq "$(s3check count "s3://$a/demo/videos/")" 9 "8 clips + 1 big video"
expect_eq "$(s3check count "s3://$a/demo/images/")" 16 "jpg + png"
ls_out=$(s3check ls "s3://$a/demo/")
expect_eq "$(wc -l <<<"$ls_out")" 41 "ls prints one line per object"
expect_contains "$ls_out" "demo/videos/clip-0001.mp4	" "ls: key then tab"
expect_contains "$ls_out" "demo/images/img-0002.jpg	" "ls: a jpg"
expect_contains "$ls_out" "demo/images/img-0003.png	" "ls: a png"
expect_contains "$ls_out" "demo/docs/note-0004.txt	" "ls: a txt"
expect_contains "$ls_out" "demo/data/table-0005.csv	" "ls: a csv"
expect_contains "$ls_out" "demo/videos/big-0000.mp4	$((20 * 1024 * 1024))	" "ls: the big video's size"
bad=$(awk -F'\t' 'NF != 3 || ($1 !~ /big/ && ($2 < 1024 || $2 > 65536)) || $3 == ""' <<<"$ls_out")
expect_eq "$bad" "" "every ls line is key, size in 1..64 KiB, etag"
h=$(s3check head "s3://$a/demo/images/img-0003.png")
expect_eq "$(field ContentType)" image/png "load sets content types"

# ls and count follow pagination (more than 1000 keys)
check "load 1100 small objects" s3check load "$b" many 1100 --ext txt --size-range 1-10
expect_eq "$(s3check count "s3://$b/many/")" 1100 "count over several pages"
expect_eq "$(s3check ls "s3://$b/many/" | sort -u | wc -l)" 1100 "ls over several pages"

# uploads: an in-progress multipart upload is counted, rb aborts it
expect_eq "$(s3check uploads "$a")" 0 "no uploads in progress"
/usr/bin/python3 - "$PLAN_LIB_DIR" "$a" <<'PY' || fail "could not start a multipart upload"
import sys
sys.path.insert(0, sys.argv[1])
import s3check as s
s.client().create_multipart_upload(Bucket=sys.argv[2], Key="pending/upload.bin")
PY
expect_eq "$(s3check uploads "$a")" 1 "one upload in progress"

# empty: only the prefix goes
check "empty a prefix" s3check empty "s3://$a/demo/"
expect_eq "$(s3check count "s3://$a/demo/")" 0 "prefix emptied"
expect_eq "$(s3check count "s3://$a/dir/")" 1 "other prefixes untouched"

# failures exit 1 with a message
expect_exit 1 s3check head "s3://$a/no/such/key"
expect_exit 1 s3check md5 "s3://no-such-bucket-$$/x"

# rb removes objects, aborts uploads and deletes the bucket; again is fine
check "rb a bucket with objects and an upload" s3check rb "$a"
expect_exit 1 s3check count "s3://$a/"
check "rb a missing bucket" s3check rb "$a"

finish
