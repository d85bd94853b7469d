/*
 * test_keys.c: key generation, key files and domain-separated statement signatures
 * (lib/keys.c).
 *
 * Usage: test_keys [vectors dir]      (unused)
 *
 * A key saved to disk must come back with the same public halves and still sign; the secret
 * file must be created 0600, never over an existing file, and refused when group or others can
 * read it; every malformed key file must be refused while the well-formed one it was cut from
 * loads; a statement signature must break under any single-bit change to message, signature or
 * key, and a plain Ed25519 signature over the same bytes (without the domain string) must not
 * pass as a statement signature.
 */
#include "check.h"
#include "keys.h"
#include "note.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

static char tmpdir[] = "/tmp/test_keys.XXXXXX";

static void path_in(char *out, size_t outlen, const char *file)
{
    snprintf(out, outlen, "%s/%s", tmpdir, file);
}

/* Write `text` to a new file in the temporary directory with `mode` (exactly, not umasked). */
static void write_file(const char *file, const char *text, size_t len, mode_t mode, char *path,
                       size_t pathlen)
{
    path_in(path, pathlen, file);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
        fprintf(stderr, "test_keys: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    close(fd);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int same_public(const qr_key *a, const qr_key *b)
{
    return strcmp(a->name, b->name) == 0 && memcmp(a->sign_pk, b->sign_pk, 32) == 0 &&
           memcmp(a->curve_pk, b->curve_pk, 32) == 0;
}

static void test_generate(void)
{
    const char *bad[] = {"", "al ice", "al+ice", "tab\there", "new\nline"};
    char longname[QR_MAX_NAME + 2];
    uint8_t pk[32];

    qr_key *k = qr_key_generate("alice");
    CHECK(k != NULL, "qr_key_generate(\"alice\") gives a key");
    if (!k)
        return;
    CHECK(strcmp(k->name, "alice") == 0 && k->has_secret, "a generated key has name and secret");
    CHECK(memcmp(k->sign_sk + 32, k->sign_pk, 32) == 0, "sign_sk ends with its public key");
    crypto_scalarmult_base(pk, k->curve_sk);
    CHECK(memcmp(pk, k->curve_pk, 32) == 0, "curve_pk is the public half of curve_sk");
    CHECK(memcmp(k->sign_pk, k->curve_pk, 32) != 0, "signing and CURVE keys are different");

    qr_key *k2 = qr_key_generate("alice");
    CHECK(k2 && memcmp(k->sign_pk, k2->sign_pk, 32) != 0 &&
              memcmp(k->curve_pk, k2->curve_pk, 32) != 0,
          "two generated keys differ");
    qr_key_destroy(&k2);
    qr_key_destroy(&k);
    CHECK(k == NULL, "qr_key_destroy nulls the pointer");
    qr_key_destroy(&k); /* idempotent */

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        k = qr_key_generate(bad[i]);
        CHECK(k == NULL, "qr_key_generate refuses the name \"%s\"", bad[i]);
        qr_key_destroy(&k);
    }
    memset(longname, 'n', QR_MAX_NAME);
    longname[QR_MAX_NAME] = 0;
    k = qr_key_generate(longname);
    CHECK(k != NULL, "a name of QR_MAX_NAME bytes is accepted");
    qr_key_destroy(&k);
    longname[QR_MAX_NAME] = 'n';
    longname[QR_MAX_NAME + 1] = 0;
    k = qr_key_generate(longname);
    CHECK(k == NULL, "a name of QR_MAX_NAME + 1 bytes is refused");
    qr_key_destroy(&k);
}

static void test_save_load(void)
{
    char path[512], err[512] = "", pub[QR_KEY_FILE_MAX];
    struct stat st;
    uint8_t *before = NULL, *after = NULL, sig[64];
    size_t nbefore = 0, nafter = 0;
    const uint8_t msg[] = "the board resolves to meet on Tuesdays";

    qr_key *k = qr_key_generate("alice");
    qr_key *loaded = NULL, *pubk = NULL;
    if (!k) {
        CHECK(0, "qr_key_generate");
        return;
    }
    path_in(path, sizeof path, "alice.key");
    mode_t old = umask(022);
    CHECK_RC(qr_key_save_secret(k, path), QR_OK, "saving a secret key");
    umask(old);
    CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600,
          "the secret key file has mode %04o, want 0600", (unsigned)(st.st_mode & 07777));

    /* Saving over an existing file is refused and leaves the file as it was. */
    FILE *f = fopen(path, "rb");
    if (f) {
        before = malloc(QR_KEY_FILE_MAX);
        nbefore = before ? fread(before, 1, QR_KEY_FILE_MAX, f) : 0;
        fclose(f);
    }
    qr_key *other = qr_key_generate("mallory");
    CHECK(other && qr_key_save_secret(other, path) != QR_OK,
          "saving over an existing key file is refused");
    f = fopen(path, "rb");
    if (f) {
        after = malloc(QR_KEY_FILE_MAX);
        nafter = after ? fread(after, 1, QR_KEY_FILE_MAX, f) : 0;
        fclose(f);
    }
    CHECK(before && after && nbefore == nafter && nbefore > 0 &&
              memcmp(before, after, nbefore) == 0,
          "a refused save leaves the existing key file untouched");
    CHECK(nbefore >= 32 && memcmp(before, "quorum-secret-key-v1\nname alice\n", 32) == 0,
          "the secret key file starts with its header and name");
    free(before);
    free(after);
    qr_key_destroy(&other);

    CHECK_RC(qr_key_load(path, &loaded, err, sizeof err), QR_OK, "loading the saved key");
    if (loaded) {
        CHECK(same_public(k, loaded), "the loaded key has the same name and public keys");
        CHECK(loaded->has_secret, "the loaded key has its secret halves");
        CHECK(memcmp(k->sign_sk, loaded->sign_sk, 64) == 0 &&
                  memcmp(k->curve_sk, loaded->curve_sk, 32) == 0,
              "the loaded secret halves are the saved ones");
        CHECK_RC(qr_key_sign_statement(loaded, msg, sizeof msg, sig), QR_OK,
                 "the loaded key signs");
        CHECK_RC(qr_key_verify_statement(k->sign_pk, msg, sizeof msg, sig), QR_OK,
                 "its signature verifies under the original public key");
    }
    qr_key_destroy(&loaded);

    /* Public key file: what others get. */
    CHECK_RC(qr_key_format_public(k, pub, sizeof pub), QR_OK, "formatting the public key");
    CHECK(strncmp(pub, "quorum-public-key-v1\nname alice\nsign-key ", 41) == 0,
          "the public key file starts with its header, name and sign-key: %s", pub);
    CHECK(strstr(pub, "curve-key ") != NULL, "the public key file has a curve-key line");
    CHECK_RC(qr_key_parse(pub, strlen(pub), &pubk, err, sizeof err), QR_OK,
             "parsing the public key text");
    if (pubk) {
        CHECK(pubk->has_secret == 0, "a parsed public key has no secret");
        CHECK(same_public(k, pubk), "the parsed public key has the same name and public keys");
        CHECK_RC(qr_key_sign_statement(pubk, msg, sizeof msg, sig), QR_BAD_KEY,
                 "a public key cannot sign");
        char p2[512];
        path_in(p2, sizeof p2, "pub-save.key");
        CHECK_RC(qr_key_save_secret(pubk, p2), QR_BAD_KEY,
                 "a public key cannot be saved as a secret key");
        CHECK(access(p2, F_OK) != 0, "a refused save creates no file");
    }
    qr_key_destroy(&pubk);
    CHECK_RC(qr_key_format_public(k, pub, 40), QR_TOO_LARGE,
             "formatting into a small buffer is refused");

    /* A public file may be world-readable. */
    char ppath[512];
    CHECK_RC(qr_key_format_public(k, pub, sizeof pub), QR_OK, "formatting the public key again");
    write_file("alice.pub", pub, strlen(pub), 0644, ppath, sizeof ppath);
    CHECK_RC(qr_key_load(ppath, &pubk, err, sizeof err), QR_OK, "loading a 0644 public key file");
    CHECK(pubk && !pubk->has_secret && same_public(k, pubk), "the loaded public file matches");
    qr_key_destroy(&pubk);

    /* Unsafe modes on the secret file. */
    const mode_t unsafe[] = {0640, 0604, 0644, 0660};
    for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
        err[0] = 0;
        CHECK(chmod(path, unsafe[i]) == 0, "chmod %04o", (unsigned)unsafe[i]);
        int rc = qr_key_load(path, &loaded, err, sizeof err);
        CHECK(rc == QR_BAD_KEY && loaded == NULL,
              "a secret key file of mode %04o is refused with BAD_KEY (got %s)",
              (unsigned)unsafe[i], qr_code_name(rc));
        CHECK(strstr(err, "chmod 600") != NULL,
              "the refusal for mode %04o tells the user to chmod 600: \"%s\"", (unsigned)unsafe[i],
              err);
        qr_key_destroy(&loaded);
    }
    CHECK(chmod(path, 0600) == 0, "chmod 0600");
    CHECK_RC(qr_key_load(path, &loaded, err, sizeof err), QR_OK, "after chmod 600 it loads");
    qr_key_destroy(&loaded);

    char missing[512];
    path_in(missing, sizeof missing, "no-such.key");
    CHECK_RC(qr_key_load(missing, &loaded, err, sizeof err), QR_NOT_FOUND,
             "loading a missing key file");
    CHECK(loaded == NULL, "a missing file gives no key");
    qr_key_destroy(&k);
}

/* The well-formed files the malformed ones are cut from. */
#define SEED_B64 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define CURVE_B64 "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
#define GOOD_SECRET                                                                                \
    "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"
#define GOOD_PUBLIC                                                                                \
    "quorum-public-key-v1\nname alice\nsign-key " SEED_B64 "\ncurve-key " CURVE_B64 "\n"

typedef struct {
    const char *what;
    const char *text;
} bad_file;

static const bad_file bad_files[] = {
    {"empty file", ""},
    {"wrong first line (v2)",
     "quorum-secret-key-v2\nname alice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"first line with trailing space",
     "quorum-secret-key-v1 \nname alice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"first line capitalised",
     "Quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"first line missing", "name alice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"header only", "quorum-secret-key-v1\n"},
    {"bad base64 in the seed",
     "quorum-secret-key-v1\nname alice\ned25519-seed AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx!dHh8="
     "\ncurve-secret " CURVE_B64 "\n"},
    {"curve secret without its base64 padding",
     "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64
     "\ncurve-secret ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8\n"},
    {"url-safe base64", "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64
                        "\ncurve-secret ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8-\n"},
    {"seed of 31 bytes",
     "quorum-secret-key-v1\nname alice\ned25519-seed AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="
     "\ncurve-secret " CURVE_B64 "\n"},
    {"seed of 33 bytes",
     "quorum-secret-key-v1\nname alice\ned25519-seed "
     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\ncurve-secret " CURVE_B64 "\n"},
    {"curve secret of 33 bytes", "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64
                                 "\ncurve-secret ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9A\n"},
    {"seed with trailing space",
     "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64 " \ncurve-secret " CURVE_B64 "\n"},
    {"missing seed", "quorum-secret-key-v1\nname alice\ncurve-secret " CURVE_B64 "\n"},
    {"missing curve secret", "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64 "\n"},
    {"missing name",
     "quorum-secret-key-v1\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"empty name",
     "quorum-secret-key-v1\nname \ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"name with '+'",
     "quorum-secret-key-v1\nname al+ice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"name with a space",
     "quorum-secret-key-v1\nname al ice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"name with a tab",
     "quorum-secret-key-v1\nname al\tice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"name with CR (CRLF line)",
     "quorum-secret-key-v1\nname alice\r\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"unknown field", "quorum-secret-key-v1\nname alice\ned25519-seed " SEED_B64
                      "\ncurve-secret " CURVE_B64 "\nexpires 2030\n"},
    {"field without a value",
     "quorum-secret-key-v1\nname alice\ned25519-seed\ncurve-secret " CURVE_B64 "\n"},
    {"field name with two spaces",
     "quorum-secret-key-v1\nname alice\ned25519-seed  " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"public header with secret fields",
     "quorum-public-key-v1\nname alice\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64 "\n"},
    {"secret header with public fields",
     "quorum-secret-key-v1\nname alice\nsign-key " SEED_B64 "\ncurve-key " CURVE_B64 "\n"},
    {"public key of 31 bytes",
     "quorum-public-key-v1\nname alice\nsign-key AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="
     "\ncurve-key " CURVE_B64 "\n"},
    {"public key bad base64",
     "quorum-public-key-v1\nname alice\nsign-key " SEED_B64 "\ncurve-key ####" CURVE_B64 "\n"},
    {"public file missing curve key", "quorum-public-key-v1\nname alice\nsign-key " SEED_B64 "\n"},
    {"public file missing name",
     "quorum-public-key-v1\nsign-key " SEED_B64 "\ncurve-key " CURVE_B64 "\n"},
};

/* One malformed text, through both qr_key_parse and qr_key_load of a 0600 file. */
static int refused_both(const char *what, const char *text, size_t len, int want_bad_key_parse)
{
    char path[512], err[512] = "";
    qr_key *k = NULL;
    int bad = 0;

    int rc = qr_key_parse(text, len, &k, err, sizeof err);
    if (rc == QR_OK || k != NULL || (want_bad_key_parse && rc != QR_BAD_KEY)) {
        printf("FAIL %s: qr_key_parse gives %s\n", what, qr_code_name(rc));
        bad++;
    } else if (err[0] == 0) {
        printf("FAIL %s: qr_key_parse refused without an error message\n", what);
        bad++;
    }
    qr_key_destroy(&k);
    write_file("bad.key", text, len, 0600, path, sizeof path);
    err[0] = 0;
    rc = qr_key_load(path, &k, err, sizeof err);
    if (rc == QR_OK || k != NULL) {
        printf("FAIL %s: qr_key_load gives %s\n", what, qr_code_name(rc));
        bad++;
    } else if (err[0] == 0) {
        printf("FAIL %s: qr_key_load refused without an error message\n", what);
        bad++;
    }
    qr_key_destroy(&k);
    return bad;
}

static void test_malformed(void)
{
    char path[512], err[512] = "";
    qr_key *k = NULL;
    int bad = 0;

    /* The templates themselves load, so each refusal below is for its one defect. */
    write_file("good.key", GOOD_SECRET, strlen(GOOD_SECRET), 0600, path, sizeof path);
    CHECK_RC(qr_key_load(path, &k, err, sizeof err), QR_OK, "the well-formed secret file loads");
    if (k) {
        uint8_t seed[32], pk[32], sk[64];
        for (int i = 0; i < 32; i++)
            seed[i] = (uint8_t)i;
        crypto_sign_seed_keypair(pk, sk, seed);
        CHECK(memcmp(k->sign_pk, pk, 32) == 0 && k->has_secret,
              "the secret file's seed gives its signing key");
        sodium_memzero(sk, sizeof sk);
    }
    qr_key_destroy(&k);
    CHECK_RC(qr_key_parse(GOOD_PUBLIC, strlen(GOOD_PUBLIC), &k, err, sizeof err), QR_OK,
             "the well-formed public text parses");
    qr_key_destroy(&k);
    const char *commented =
        "quorum-secret-key-v1\n# made for tests\n\nname alice\ned25519-seed " SEED_B64
        "\ncurve-secret " CURVE_B64; /* comment, blank line, no final newline */
    CHECK_RC(qr_key_parse(commented, strlen(commented), &k, err, sizeof err), QR_OK,
             "comments, blank lines and a missing final newline are fine");
    qr_key_destroy(&k);

    for (size_t i = 0; i < sizeof bad_files / sizeof *bad_files; i++)
        bad += refused_both(bad_files[i].what, bad_files[i].text, strlen(bad_files[i].text), 1);
    tally(bad, __LINE__, "malformed key files are refused");

    /* Names at and over the limit. */
    char text[QR_KEY_FILE_MAX * 2];
    char name[QR_MAX_NAME + 2];
    memset(name, 'x', sizeof name);
    name[QR_MAX_NAME] = 0;
    snprintf(text, sizeof text,
             "quorum-secret-key-v1\nname %s\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64
             "\n",
             name);
    CHECK_RC(qr_key_parse(text, strlen(text), &k, err, sizeof err), QR_OK,
             "a name of QR_MAX_NAME bytes parses");
    CHECK(k && strlen(k->name) == QR_MAX_NAME, "and is kept whole");
    qr_key_destroy(&k);
    name[QR_MAX_NAME] = 'x';
    name[QR_MAX_NAME + 1] = 0;
    snprintf(text, sizeof text,
             "quorum-secret-key-v1\nname %s\ned25519-seed " SEED_B64 "\ncurve-secret " CURVE_B64
             "\n",
             name);
    CHECK(refused_both("name of QR_MAX_NAME + 1 bytes", text, strlen(text), 1) == 0,
          "a name of QR_MAX_NAME + 1 bytes is refused");

    /* A valid file padded with comment lines past QR_KEY_FILE_MAX: refused only for size. */
    size_t n = strlen(GOOD_SECRET);
    memcpy(text, GOOD_SECRET, n);
    while (n <= QR_KEY_FILE_MAX) {
        memcpy(text + n, "# padding padding padding padding\n", 34);
        n += 34;
    }
    text[n] = 0;
    CHECK(refused_both("over-long file", text, n, 0) == 0,
          "a key file over QR_KEY_FILE_MAX bytes is refused");
    CHECK_RC(qr_key_parse(text, QR_KEY_FILE_MAX + 1, &k, err, sizeof err), QR_BAD_KEY,
             "qr_key_parse of QR_KEY_FILE_MAX + 1 bytes");
    qr_key_destroy(&k);
    /* ... and the same file cut to exactly QR_KEY_FILE_MAX bytes at a line end is fine. */
    size_t cut = QR_KEY_FILE_MAX;
    while (cut > 0 && text[cut - 1] != '\n')
        cut--;
    CHECK_RC(qr_key_parse(text, cut, &k, err, sizeof err), QR_OK,
             "a padded key file within QR_KEY_FILE_MAX parses");
    qr_key_destroy(&k);

    /* The load error for a malformed file names the file. */
    write_file("named.key", bad_files[1].text, strlen(bad_files[1].text), 0600, path, sizeof path);
    err[0] = 0;
    CHECK(qr_key_load(path, &k, err, sizeof err) == QR_BAD_KEY && strstr(err, path) != NULL,
          "the load error names the file: \"%s\"", err);
    qr_key_destroy(&k);
}

static void test_signatures(void)
{
    uint8_t msg[96], m2[96], sig[64], s2[64], pk[32];
    int bad = 0;

    qr_key *k = qr_key_generate("signer");
    if (!k) {
        CHECK(0, "qr_key_generate");
        return;
    }
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    CHECK_RC(qr_key_sign_statement(k, msg, sizeof msg, sig), QR_OK, "signing a statement");
    CHECK_RC(qr_key_verify_statement(k->sign_pk, msg, sizeof msg, sig), QR_OK,
             "the signature verifies");

    /* Every single-bit change to message, signature or key breaks it. */
    for (size_t i = 0; i < sizeof msg * 8; i++) {
        memcpy(m2, msg, sizeof msg);
        m2[i / 8] ^= (uint8_t)(1u << (i % 8));
        if (qr_key_verify_statement(k->sign_pk, m2, sizeof m2, sig) != QR_BAD_SIGNATURE) {
            printf("FAIL message bit %zu flipped still verifies\n", i);
            bad++;
        }
    }
    tally(bad, __LINE__, "message bit flips");
    bad = 0;
    for (size_t i = 0; i < 512; i++) {
        memcpy(s2, sig, 64);
        s2[i / 8] ^= (uint8_t)(1u << (i % 8));
        if (qr_key_verify_statement(k->sign_pk, msg, sizeof msg, s2) != QR_BAD_SIGNATURE) {
            printf("FAIL signature bit %zu flipped still verifies\n", i);
            bad++;
        }
    }
    tally(bad, __LINE__, "signature bit flips");
    bad = 0;
    for (size_t i = 0; i < 256; i++) {
        memcpy(pk, k->sign_pk, 32);
        pk[i / 8] ^= (uint8_t)(1u << (i % 8));
        if (qr_key_verify_statement(pk, msg, sizeof msg, sig) != QR_BAD_SIGNATURE) {
            printf("FAIL key bit %zu flipped still verifies\n", i);
            bad++;
        }
    }
    tally(bad, __LINE__, "public key bit flips");
    CHECK_RC(qr_key_verify_statement(k->sign_pk, msg, sizeof msg - 1, sig), QR_BAD_SIGNATURE,
             "a truncated message");
    qr_key *other = qr_key_generate("other");
    CHECK(other && qr_key_verify_statement(other->sign_pk, msg, sizeof msg, sig) != QR_OK,
          "another key's public half does not verify it");
    qr_key_destroy(&other);
    CHECK_RC(qr_key_verify_statement(k->curve_pk, msg, sizeof msg, sig), QR_BAD_SIGNATURE,
             "the CURVE public key does not verify it");

    /* Domain separation, both ways, and exactly the documented domain string. */
    uint8_t plain[64];
    crypto_sign_detached(plain, NULL, msg, sizeof msg, k->sign_sk);
    CHECK(crypto_sign_verify_detached(plain, msg, sizeof msg, k->sign_pk) == 0,
          "(control) the plain signature verifies as plain Ed25519");
    CHECK_RC(qr_key_verify_statement(k->sign_pk, msg, sizeof msg, plain), QR_BAD_SIGNATURE,
             "a plain Ed25519 signature without the domain is not a statement signature");
    CHECK(crypto_sign_verify_detached(sig, msg, sizeof msg, k->sign_pk) != 0,
          "a statement signature does not verify as plain Ed25519 over the message");
    size_t d = strlen(QR_STATEMENT_DOMAIN);
    CHECK(d == 20 && memcmp(QR_STATEMENT_DOMAIN, "quorum/statement/v1\n", 20) == 0,
          "the domain string is \"quorum/statement/v1\\n\"");
    uint8_t dm[20 + sizeof msg];
    memcpy(dm, "quorum/statement/v1\n", 20);
    memcpy(dm + 20, msg, sizeof msg);
    CHECK(crypto_sign_verify_detached(sig, dm, sizeof dm, k->sign_pk) == 0,
          "a statement signature is standard Ed25519 over domain || message");
    crypto_sign_detached(plain, NULL, dm, sizeof dm, k->sign_sk);
    CHECK_RC(qr_key_verify_statement(k->sign_pk, msg, sizeof msg, plain), QR_OK,
             "standard Ed25519 over domain || message verifies as a statement signature");
    crypto_sign_detached(plain, NULL, dm, 19, k->sign_sk); /* domain without its newline */
    CHECK_RC(qr_key_verify_statement(k->sign_pk, NULL, 0, plain), QR_BAD_SIGNATURE,
             "the domain string without its newline is not the domain");

    /* Sizes. */
    CHECK_RC(qr_key_sign_statement(k, NULL, 0, sig), QR_OK, "signing an empty message");
    CHECK_RC(qr_key_verify_statement(k->sign_pk, NULL, 0, sig), QR_OK,
             "an empty message's signature verifies");
    uint8_t *big = calloc(1, QR_MAX_STATEMENT + 1);
    if (big) {
        CHECK_RC(qr_key_sign_statement(k, big, QR_MAX_STATEMENT, sig), QR_OK,
                 "signing QR_MAX_STATEMENT bytes");
        CHECK_RC(qr_key_verify_statement(k->sign_pk, big, QR_MAX_STATEMENT, sig), QR_OK,
                 "verifying QR_MAX_STATEMENT bytes");
        CHECK(qr_key_sign_statement(k, big, QR_MAX_STATEMENT + 1, sig) != QR_OK,
              "signing more than QR_MAX_STATEMENT bytes is refused");
        CHECK(qr_key_verify_statement(k->sign_pk, big, QR_MAX_STATEMENT + 1, sig) != QR_OK,
              "verifying more than QR_MAX_STATEMENT bytes is refused");
        free(big);
    }
    qr_key_destroy(&k);
}

static void test_vkey(void)
{
    char vkey[QR_NOTE_VKEY_MAX];
    qr_note_verifier v;

    qr_key *k = qr_key_generate("log.example.org");
    if (!k) {
        CHECK(0, "qr_key_generate");
        return;
    }
    CHECK_RC(qr_key_vkey(k, NULL, vkey, sizeof vkey), QR_OK, "qr_key_vkey under its own name");
    CHECK(strncmp(vkey, "log.example.org+", 16) == 0, "the vkey starts with the key's name: %s",
          vkey);
    memset(&v, 0, sizeof v);
    CHECK_RC(qr_note_vkey_parse(vkey, &v), QR_OK, "qr_note_vkey_parse accepts it");
    CHECK(memcmp(v.pk, k->sign_pk, 32) == 0, "the vkey carries the signing public key");
    CHECK(v.type == QR_NOTE_ED25519, "the vkey is an Ed25519 note key (type %d)", v.type);
    CHECK(strcmp(v.name, "log.example.org") == 0, "the vkey's name is %s", v.name);
    uint8_t id[4];
    qr_note_key_id("log.example.org", QR_NOTE_ED25519, k->sign_pk, id);
    CHECK(memcmp(id, v.id, 4) == 0, "the vkey's id is the C2SP key id");

    CHECK_RC(qr_key_vkey(k, "witness.example", vkey, sizeof vkey), QR_OK,
             "qr_key_vkey under another name");
    memset(&v, 0, sizeof v);
    CHECK(qr_note_vkey_parse(vkey, &v) == QR_OK && strcmp(v.name, "witness.example") == 0 &&
              memcmp(v.pk, k->sign_pk, 32) == 0,
          "that vkey parses with the given name and the same key: %s", vkey);
    CHECK(qr_key_vkey(k, NULL, vkey, 10) != QR_OK, "qr_key_vkey into a small buffer fails");
    qr_key_destroy(&k);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    t_begin("test_keys");
    if (sodium_init() < 0) {
        fprintf(stderr, "test_keys: sodium_init failed\n");
        return 2;
    }
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "test_keys: mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    test_generate();
    test_save_load();
    test_malformed();
    test_signatures();
    test_vkey();
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return t_end();
}
