/* version.h - the one place s3engine's version is written (--version, the
 * User-Agent, the JSON summary, s3engine.version in Lua, the Debian package). */
#ifndef S3E_VERSION_H
#define S3E_VERSION_H

#define S3E_VERSION "0.1.0"

#endif
