/*
 * qr_sql: run SQL on a database file, for tests that need a file as some other program would
 * have left it (a schema version from the future, ...).  Prints result rows, '|'-separated.
 *
 * usage: qr_sql DB SQL
 */
#include <sqlite3.h>
#include <stdio.h>

static int row(void *ctx, int n, char **v, char **names)
{
    (void)ctx;
    (void)names;
    for (int i = 0; i < n; i++)
        printf("%s%s", i ? "|" : "", v[i] ? v[i] : "");
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: qr_sql DB SQL\n");
        return 2;
    }
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, argv[2], row, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "qr_sql: %s\n", err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        sqlite3_close(db);
        return 1;
    }
    sqlite3_close(db);
    return 0;
}
