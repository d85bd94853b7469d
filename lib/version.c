/*
 * version.c: the version report.
 */
#include "version.h"

#include "sha256.h"
#include "store.h"

#include <protobuf-c/protobuf-c.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zmq.h>

void qr_version_print(FILE *f, const char *program)
{
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    fprintf(f, "%s %s\n", program, QR_VERSION);
    fprintf(f, "libzmq %d.%d.%d (CURVE %s)\n", major, minor, patch,
            zmq_has("curve") ? "yes" : "no");
    fprintf(f, "libsodium %s\n", sodium_version_string());
    fprintf(f, "sha256 %s\n", qr_sha256_accelerated() ? "SHA-NI" : "portable C");
    fprintf(f, "sqlite3 %s\n", sqlite3_libversion());
    fprintf(f, "libprotobuf-c %s\n", protobuf_c_version());
    fprintf(f, "database schema version %d\n", QR_STORE_SCHEMA_VERSION);
}
