/*
 * version.h: what `--version` prints in every program: the program's own version, then the
 * version of each library it runs with (as loaded at run time, not as compiled against), one
 * "name version" pair a line, as pkg-config --modversion would name them, and the database
 * schema version this build reads and writes.
 */
#ifndef QR_VERSION_H
#define QR_VERSION_H

#include <stdio.h>

/* "quorumd 0.1.0" then the library lines, into f. */
void qr_version_print(FILE *f, const char *program);

#endif
