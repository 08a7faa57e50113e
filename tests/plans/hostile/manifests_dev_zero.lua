-- hostile: /dev/zero as a manifest: one endless line that used to grow memory without end
-- expect-stderr: /dev/zero:1: longer than 65536 bytes
-- timeout: 20
return { sources = { { manifest = "/dev/zero" } }, target = "s3://@DST@/" }
