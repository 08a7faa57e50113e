package.path = "tests/lua/?.lua;" .. package.path
local t = require "helpers"
local payload = require "s3engine.recipes.payload"
local o = t.obj

t.eq(payload.max_bytes("800MB", 100), { max_bytes = 800000000, max_objects = 100 }, "max_bytes")
local per = payload.per_target({ videos = "5GB", images = { max_bytes = "200MB", max_objects = 500 } })
t.eq(per(o("a.mp4"), { target = "videos" }), { group = "videos", max_bytes = 5000000000 }, "per_target size")
t.eq(per(o("a.jpg"), { target = "images" }), { group = "images", max_bytes = 200000000, max_objects = 500 }, "per_target table")
t.eq(per(o("a.txt"), { target = "docs" }), nil, "unlisted target: default payloads")
t.raises(function() payload.per_target({ videos = "huge" }) end, "is not a size", "per_target bad size")
t.raises(function() payload.per_target({ v = { max_objects = 1.5 } }) end, "positive whole number", "bad max_objects")

local tiers = payload.size_tiers({
  { name = "small", below = "1MB", max_bytes = "256MB", max_objects = 5000 },
  { below = "1GB", max_bytes = "4GB" },
  { max_bytes = "1GB" },
})
t.eq(tiers(o("a", 10)).group, "small", "small tier")
t.eq(tiers(o("a", 10)).max_objects, 5000, "small tier objects")
t.eq(tiers(o("a", 5000000)).group, "tier 2", "unnamed tier")
t.eq(tiers(o("a", 5000000000)).max_bytes, 1000000000, "last tier catches the rest")
t.raises(function() payload.size_tiers({}) end, "expected a list of tiers", "empty tiers")
