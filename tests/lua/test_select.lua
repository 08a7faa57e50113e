package.path = "tests/lua/?.lua;" .. package.path
local t = require "helpers"
local s3e = require "s3engine"
local sel = require "s3engine.recipes.select"
local o = t.obj

t.eq(sel.larger_than("1KB")(o("a", 1001)), true, "larger_than")
t.eq(sel.larger_than("1KB")(o("a", 1000)), false, "larger_than is strict")
t.eq(sel.smaller_than(10)(o("a", 9)), true, "smaller_than")
t.eq(sel.size_between("1KiB", "2KiB")(o("a", 1024)), true, "size_between includes lo")
t.eq(sel.size_between("1KiB", "2KiB")(o("a", 2048)), false, "size_between excludes hi")
t.raises(function() sel.larger_than("big") end, "is not a size", "bad size")
local now = s3e.now()
t.eq(sel.older_than("1d")(o("a", 1, now - 2 * 86400)), true, "older_than")
t.eq(sel.older_than("1d")(o("a", 1, now - 3600)), false, "older_than: recent")
t.eq(sel.newer_than("1d")(o("a", 1, now - 3600)), true, "newer_than")
t.raises(function() sel.newer_than("a while") end, "is not a duration", "bad duration")
t.eq(sel.glob("**/*.mp4", "*.mov")(o("a/b.mp4")), true, "glob any")
t.eq(sel.glob({ "*.mov" })(o("a/b.mp4")), false, "glob list")
t.eq(sel.extension("MP4", ".jpg")(o("x.jpg")), true, "extension")
t.eq(sel.extension({ "mp4" })(o("x.png")), false, "extension list")
t.eq(sel.storage_class("STANDARD")(o("x")), true, "storage_class")
local big, mp4 = sel.larger_than(10), sel.extension("mp4")
t.eq(sel.all(big, mp4)(o("x.mp4", 11)), true, "all")
t.eq(sel.all(big, mp4)(o("x.mp4", 1)), false, "all: one fails")
t.eq(sel.any(big, mp4)(o("x.txt", 11)), true, "any")
t.eq(sel.none(big, mp4)(o("x.txt", 1)), true, "none")
t.raises(function() sel.all(big, 3) end, "argument 2 is not a function", "all checks arguments")
