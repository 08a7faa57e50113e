-- The seed recipe reads the serverless version's JSON (as its README shows
-- it: no outer braces, a trailing comma) and makes the same routing.
package.path = "tests/lua/?.lua;" .. package.path
local t = require "helpers"
local seed = require "s3engine.recipes.seed"
local json = require "s3engine.json"

local plan = seed.plan("examples/seed-input.json")
t.eq(plan.sources, { { bucket = "my-source-s3-bucket", prefix = "source/" } }, "source")
t.eq(plan.targets.target1, { bucket = "my-target-s3-bucket", prefix = "mp4/" }, "first target")
t.eq(plan.targets.target2, { bucket = "my-target-s3-bucket", prefix = "images/" }, "second target")
t.eq(plan.route(t.obj("source/a/clip.MP4")), "target1", "mp4 routed")
t.eq(plan.route(t.obj("source/b.png")), "target2", "png routed")
t.eq(plan.route(t.obj("source/c.txt")), nil, "others skipped")
t.eq(plan.payload, 800 * 1024 * 1024, "seed default payload 800 MB")

local p2 = seed.from_config(json.decode([[{"max_payload_size_per_lambda_execution_in_mb": 100,
  "num_copy_lambda_workers": 4, "s3_copy_config": {"source_s3_config": {"s3_bucket": "s"},
  "target_s3_config": [{"file_types": ["txt"], "s3_bucket": "d"}]}}]]))
t.eq(p2.payload, 100 * 1024 * 1024, "payload from the input")
t.eq(p2.workers, 4, "workers from the input")
t.raises(function() seed.from_config({ s3_copy_config = {} }, "in.json") end,
         "in.json: s3_copy_config.source_s3_config", "missing source named")
t.raises(function()
  seed.from_config({ s3_copy_config = { source_s3_config = { s3_bucket = "s" },
                                         target_s3_config = { { s3_bucket = "d" } } } }, "in.json")
end, "target_s3_config[1].file_types", "missing file types named")

-- the lenient JSON reader
t.eq(json.decode('{"a": [1, 2,], "b": {"c": "x\\u00e9",},}'), { a = { 1, 2 }, b = { c = "x\u{e9}" } }, "trailing commas")
t.eq(json.decode('"k": 1\n}'), { k = 1 }, "missing opening brace")
t.eq(json.decode('// note\n{"t": true, "f": false, "n": 1.5}'), { t = true, f = false, n = 1.5 }, "comments, literals")
t.raises(function() json.decode('{"a": }', "cfg.json") end, "cfg.json:1:", "error names file and line")
