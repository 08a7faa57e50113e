package.path = "tests/lua/?.lua;" .. package.path
local t = require "helpers"
local route = require "s3engine.recipes.route"
local o = t.obj

local by_ext = route.by_extension({ videos = { "mp4", ".MOV" }, images = "jpg" }, { default = "other" })
t.eq(by_ext(o("a/b.mp4")), "videos", "by_extension")
t.eq(by_ext(o("a/b.MOV")), "videos", "by_extension is case-insensitive, dot optional")
t.eq(by_ext(o("b.jpg")), "images", "single extension as a string")
t.eq(by_ext(o("b.txt")), "other", "default")
t.eq(route.by_extension({ v = "mp4" })(o("x.txt")), nil, "no default: skipped")
t.raises(function() route.by_extension({ a = "mp4", b = "mp4" }) end, "listed for both", "duplicate ext")
t.raises(function() route.by_extension("mp4") end, "expected", "bad argument")

local by_prefix = route.by_prefix({ { "raw/", "archive" }, { "raw/logs/", "logs" } })
t.eq(by_prefix(o("raw/logs/x")), "archive", "first prefix wins")
t.eq(by_prefix(o("cooked/x")), nil, "no match")
t.eq(route.by_prefix({ { "raw/", "a" } }, { strip = true })(o("raw/x/y")), { target = "a", key = "x/y" }, "strip")

local by_glob = route.by_glob({ { "**/*.mp4", "videos" }, { "img/*", "images" } }, { default = "rest" })
t.eq(by_glob(o("d/e/f.mp4")), "videos", "glob **")
t.eq(by_glob(o("img/a.png")), "images", "glob *")
t.eq(by_glob(o("img/sub/a.png")), "rest", "* does not cross folders")

t.eq(route.fanout("a", "b")(o("x")), { "a", "b" }, "fanout")
t.raises(function() route.fanout() end, "at least one", "empty fanout")

local both = route.all(route.fanout("a"), by_ext)
t.eq(both(o("x.mp4")), { "a", "videos" }, "all concatenates")
t.eq(route.first(route.by_extension({ v = "mp4" }), route.fanout("z"))(o("x.txt")), { "z" }, "first")

local rw = route.rewrite(by_ext, function(obj, target) return target .. "/" .. obj.name end)
t.eq(rw(o("a/b.mp4")), { target = "videos", key = "videos/b.mp4" }, "rewrite single")
t.eq(route.rewrite(route.fanout("a", "b"), function(obj) return obj.name end)(o("d/n")),
     { { target = "a", key = "n" }, { target = "b", key = "n" } }, "rewrite fan-out")
t.eq(route.storage_class(route.fanout("a", "b"), { b = "GLACIER" })(o("k")),
     { { target = "a" }, { target = "b", storage_class = "GLACIER" } }, "storage class per target")
