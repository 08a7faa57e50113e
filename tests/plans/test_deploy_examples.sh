#!/usr/bin/env bash
# deploy/: the Step Functions definition is valid Amazon States Language
# (asl-validator from npm, installed by scripts/install-deps.sh into tools/node)
# and is wired as documented (Distributed Map over the job's items.json, concurrency
# from the workers, retries, a result writer); the other examples parse and use
# the index variables run-job reads.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PLAN_ROOT" || finish

asl=deploy/stepfunctions/s3engine.asl.json
validator=tools/node/node_modules/.bin/asl-validator
if [ ! -x "$validator" ]; then
  fail "asl-validator is missing: run scripts/install-deps.sh test"
else
  check "asl-validator: the definition is valid" "$validator" --silent --json-path "$asl"
  bad=$(mktemp --suffix=.json)
  on_exit rm -f "$bad"
  sed 's/"MaxAttempts": 4/"MaxAttempts": "four"/' "$asl" >"$bad"
  expect_exit 1 "$validator" --silent --json-path "$bad"
fi
expect_eq "$("$S3CHECK_PYTHON" - "$asl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["States"][d["StartAt"]]
task = m["ItemProcessor"]["States"][m["ItemProcessor"]["StartAt"]]
print(m["Type"], m["ItemProcessor"]["ProcessorConfig"]["Mode"],
      "items.json" in m["ItemReader"]["Parameters"]["Key.$"],
      m["MaxConcurrencyPath"], "ResultWriter" in m,
      task["Resource"], "S3engine.PayloadError" in task["Retry"][0]["ErrorEquals"],
      sorted(m["ItemSelector"]))
PY
)" "Map DISTRIBUTED True \$.workers True arn:aws:states:::lambda:invoke True ['job.\$', 'payload.\$']" \
  "a Distributed Map over items.json, as many at once as workers, retried, results written"
check "the SAM template is YAML naming the definition" "$S3CHECK_PYTHON" -c '
import sys, yaml
class L(yaml.SafeLoader): pass
L.add_multi_constructor("!", lambda l, s, n: None)
t = yaml.load(open(sys.argv[1]), Loader=L)
r = t["Resources"]
assert r["S3engineStateMachine"]["Properties"]["DefinitionUri"] == "s3engine.asl.json"
assert r["S3engineFunction"]["Properties"]["Runtime"] == "provided.al2023"
assert "S3engineRole" in r and "StateMachineRole" in r' deploy/stepfunctions/template.yaml
check "the Kubernetes Job is YAML" "$S3CHECK_PYTHON" -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
job = [d for d in docs if d["kind"] == "Job"][0]["spec"]
assert job["completionMode"] == "Indexed" and "backoffLimitPerIndex" in job
assert job["completions"] == job["parallelism"]
sa = [d for d in docs if d["kind"] == "ServiceAccount"][0]
assert "eks.amazonaws.com/role-arn" in sa["metadata"]["annotations"]' deploy/kubernetes/s3engine-job.yaml
for f in deploy/batch/job-definition.json deploy/batch/submit-job.json; do
  check "$f is JSON" "$S3CHECK_PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$f"
done
expect_contains "$(cat deploy/batch/submit-job.json)" '"arrayProperties"' "Batch: an array job"
check "the Slurm script parses" bash -n deploy/slurm/s3engine-array.sbatch
expect_contains "$(cat deploy/slurm/s3engine-array.sbatch)" "#SBATCH --requeue" "Slurm: tasks may be requeued"
finish
