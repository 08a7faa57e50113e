#!/usr/bin/env bash
# Plan once, run the payloads: --emit writes exactly the payloads a dry run
# shows, copies nothing; run-job by payload, worker or array index copies
# them; a rerun skips what is done; two runners at once lose nothing; a failed
# payload is shown by job-status and rerun by --failed; the job may live in a
# folder or under s3://; keys with tabs, newlines and % round-trip.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
jobs=$(fresh_bucket jobs) || finish
check "load 60 objects" s3check load "$src" in 60 >/dev/null
keys=$(mktemp)
printf '%s' '["in/odd/tab\there.txt", "in/odd/new\nline.txt", "in/odd/100%.txt", "in/odd/%41.txt", "in/odd/sp ace+plus.txt"]' >"$keys"
check "put 5 odd keys" s3check putkeys "$src" "$keys" >/dev/null
rm -f "$keys"
work=$(mktemp -d)
on_exit rm -rf "$work"
plan=$work/plan.lua
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 3,
         payload = { max_objects = 8 } }
LUA

# ---- emit ---------------------------------------------------------------------
dry=$(s3e "$plan" --dry-run)
job=$work/job
out=$(s3e "$plan" --emit "$job")
expect_eq "$?" 0 "emit exits 0"
expect_contains "$out" "emitted" "emit says what it wrote"
for f in job.tsv job.json items.json manifests/part-00001.tsv; do
  [ -s "$job/$f" ] || fail "emit wrote no $f"
done
expect_eq "$(s3check count "s3://$dst/out/")" 0 "emit copies nothing"
npay=$(grep -c '^payload' "$job/job.tsv")
dry_pay=$(sed -n 's/^to copy: 65 objects, .* in \([0-9]*\) payloads.*/\1/p' <<<"$dry")
expect_eq "$npay" "$dry_pay" "emit writes the payloads the dry run shows"
expect_eq "$(awk -F'\t' '$1 == "payload" { n += $4 } END { print n }' "$job/job.tsv")" 65 \
  "the payloads hold 65 objects"
expect_eq "$(wc -l <"$job/manifests/part-00001.tsv")" 65 "one manifest line per object"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d), sorted({i["worker"] for i in d}))' "$job/items.json")" \
  "$npay [1, 2, 3]" "items.json lists every payload and its worker"
expect_eq "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["workers"], d["totals"]["objects"], sum(w["objects"] for w in d["per_worker"]),
      d["per_target"][0]["objects"], len(d["payloads"]), len(d["plan"]["sha256"]))' "$job/job.json")" \
  "3 65 65 65 $npay 64" "job.json: workers, totals per worker and target, payloads, plan hash"
expect_exit 2 "$S3ENGINE" "$plan" --emit "$job"

# past --hold, payloads are streamed: the emitter gives each to the least loaded worker
check "emit streamed payloads" s3e "$plan" --emit "$work/streamed" --hold 0 >/dev/null
expect_eq "$(awk -F'\t' '$1 == "payload" { n[$3] += $4 } END { for (w in n) print w, (n[w] > 15 && n[w] < 30) }' "$work/streamed/job.tsv" | sort | tr '\n' ' ')" \
  "1 1 2 1 3 1 " "streamed payloads are spread over workers 1 to 3"

# ---- run by payload, worker, index ----------------------------------------------
expect_exit 1 "$S3ENGINE" job-status "$job"
expect_contains "$(s3e job-status "$job")" "0 done, 0 failed, 0 restoring, 0 started and not ended, $npay not started" \
  "job-status before any run"
expect_exit 2 "$S3ENGINE" run-job "$job"
expect_exit 2 "$S3ENGINE" run-job "$job" --worker 4
check "run-job --payload 1" s3e run-job "$job" --payload 1 >/dev/null
[ -s "$job/results/payload-00000001.tsv" ] || fail "payload 1 wrote no result"
expect_contains "$(cat "$job/results/payload-00000001.tsv")" "status	done" "payload 1 is done"
expect_contains "$(s3e run-job "$job" --payload 1)" "1 payloads: 1 done before, 0 run, 0 failed" \
  "a done payload is not run again"
check "run-job --worker 2" s3e run-job "$job" --worker 2 >/dev/null
check "JOB_COMPLETION_INDEX=0 run-job" env JOB_COMPLETION_INDEX=0 "$S3ENGINE" run-job "$job" >/dev/null
expect_exit 1 "$S3ENGINE" job-status "$job"
check "AWS_BATCH_JOB_ARRAY_INDEX=2 run-job" env AWS_BATCH_JOB_ARRAY_INDEX=2 "$S3ENGINE" run-job "$job" >/dev/null
status=$(s3e job-status "$job")
expect_eq "$?" 0 "job-status exits 0 when all are done"
expect_contains "$status" "$npay done, 0 failed" "job-status: all done"
expect_contains "$status" "65 done of 65" "job-status: every object"
expect_eq "$(s3check count "s3://$dst/out/")" 65 "the job copied 65 objects"
check "byte for byte, odd keys too" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null

# ---- a rerun skips what is there ------------------------------------------------
rm "$job/results/payload-00000002.tsv"
check "payload 2 again" s3e run-job "$job" --payload 2 >/dev/null
expect_eq "$(awk -F'\t' '$1 == "copied" || $1 == "skipped" { print $1, $2 }' "$job/results/payload-00000002.tsv" | tr '\n' ' ')" \
  "copied 0 skipped $(awk -F'\t' '$1 == "payload" && $2 == 2 { print $4 }' "$job/job.tsv") " \
  "a payload run again copies nothing and skips every object"

# ---- a failed object: shown, then rerun with --failed -------------------------------
job2=$work/job2
check "empty the destination" s3check empty "s3://$dst/out/" >/dev/null
check "emit again" s3e "$plan" --emit "$job2" >/dev/null
victim=$(awk -F'\t' 'NR == 1 { print $2 }' "$job2/manifests/part-00001.tsv")
check "keep a copy of one source object" s3e cp "s3://$src/$victim" "s3://$jobs/aside" >/dev/null
check "remove it" s3check rm "s3://$src/$victim" >/dev/null
expect_exit 1 "$S3ENGINE" run-job "$job2" --index 0 --count 1
status=$(s3e job-status "$job2")
expect_contains "$status" "$((npay - 1)) done, 1 failed" "job-status counts the failed payload"
expect_contains "$status" "failed: s3://$src/$victim -> s3://$dst/out/${victim#in/}" \
  "job-status names the failed object"
check "put the same object back" s3e cp "s3://$jobs/aside" "s3://$src/$victim" >/dev/null
check "run-job --failed" s3e run-job "$job2" --failed >/dev/null
check "job-status: all done after --failed" s3e job-status "$job2" >/dev/null
[ -s "$job2/results/payload-00000001.csv" ] || fail "no report rows next to the result"

# ---- a job under s3://, fewer runners than workers, two runners at once -------------
check "empty the destination again" s3check empty "s3://$dst/out/" >/dev/null
check "emit to s3://" s3e "$plan" --emit "s3://$jobs/j/" >/dev/null
expect_eq "$(s3check count "s3://$jobs/j/")" 4 "job.tsv, job.json, items.json and a manifest under s3://"
SLURM_ARRAY_TASK_ID=0 "$S3ENGINE" run-job "s3://$jobs/j" --count 2 >"$work/r0" 2>&1 &
p0=$!
SLURM_ARRAY_TASK_ID=1 "$S3ENGINE" run-job "s3://$jobs/j" --count 2 >"$work/r1" 2>&1 &
p1=$!
SLURM_ARRAY_TASK_ID=1 "$S3ENGINE" run-job "s3://$jobs/j" --count 2 >"$work/r2" 2>&1 &
p2=$!
wait $p0 || fail "runner 0 of 2 failed: $(cat "$work/r0")"
wait $p1 || fail "runner 1 of 2 failed: $(cat "$work/r1")"
wait $p2 || fail "a second runner 1 of 2 at the same time failed: $(cat "$work/r2")"
check "job-status s3://: all done" s3e job-status "s3://$jobs/j/" >/dev/null
expect_eq "$(s3check count "s3://$dst/out/")" 65 "the s3:// job copied 65 objects"
check "byte for byte, odd keys too" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null
finish
