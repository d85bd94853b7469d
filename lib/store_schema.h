/*
 * store_schema.h: the database file's schema version and the steps that upgrade it.  Internal
 * to the store (store.c calls it inside the transaction that opens the file); see
 * store_schema.c for how versions work.
 */
#ifndef QR_STORE_SCHEMA_H
#define QR_STORE_SCHEMA_H

#include "qr.h"

#include <sqlite3.h>

/* The oldest version a read-only open accepts (reads of it need no upgrade). */
#define QR_STORE_SCHEMA_OLDEST_READABLE 1

/* The file's version (meta.schema_version) into *version, and whether this build may open
 * it: QR_BAD_CONFIG with a sentence in err for a file written by a newer quorum, a version
 * that is not a number, or (read-only) one too old to read without upgrading it. */
int qr_store_schema_check(sqlite3 *db, const char *path, int writable, int *version, char *err,
                          size_t errlen);

/* Apply every step from the file's version up to QR_STORE_SCHEMA_VERSION, inside the caller's
 * transaction, recording each in schema_history.  *from gets the version found. */
int qr_store_schema_upgrade(sqlite3 *db, const char *path, int *from, char *err, size_t errlen);

#endif
