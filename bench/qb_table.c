/*
 * qb_table: print the benchmark programs' result rows (see qb.h) as one table: for each
 * figure the median of its runs with the min and max, its unit, the target and
 * whether the median meets it, and for figures that have a Hypercore counterpart the ratio
 * quorum / Hypercore (above 1: quorum is faster).  Notes are printed under the table.
 *
 * usage: qb_table RESULTS-FILE
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 128
#define MAX_VALUES 64

typedef struct {
    char id[64], label[160], unit[24], better[4], target[32], cmp[64];
    double v[MAX_VALUES];
    int n;
    double median, min, max;
} row;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Thousands separated for large numbers; three significant digits for small ones. */
static void fmt(double x, char *out, size_t n)
{
    if (fabs(x) >= 1000) {
        char digits[32];
        snprintf(digits, sizeof digits, "%.0f", fabs(x));
        size_t len = strlen(digits), o = 0;
        if (x < 0 && o + 1 < n)
            out[o++] = '-';
        for (size_t i = 0; i < len && o + 2 < n; i++) {
            out[o++] = digits[i];
            if ((len - i - 1) % 3 == 0 && i + 1 < len)
                out[o++] = ',';
        }
        out[o] = 0;
    } else if (fabs(x) >= 100) {
        snprintf(out, n, "%.0f", x);
    } else if (fabs(x) >= 10) {
        snprintf(out, n, "%.1f", x);
    } else {
        snprintf(out, n, "%.2f", x);
    }
}

static void field(char **p, char *out, size_t n)
{
    char *tab = strchr(*p, '\t');
    size_t len = tab ? (size_t)(tab - *p) : strlen(*p);
    snprintf(out, n, "%.*s", (int)len, *p);
    *p = tab ? tab + 1 : *p + len;
}

static const row *find(const row *rows, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].id, id) == 0)
            return &rows[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: qb_table RESULTS-FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static row rows[MAX_ROWS];
    static char notes[64][512];
    int nrows = 0, nnotes = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "note\t", 5) == 0 && nnotes < 64) {
            snprintf(notes[nnotes++], sizeof notes[0], "%.500s", line + 5);
            continue;
        }
        if (strncmp(line, "row\t", 4) != 0 || nrows == MAX_ROWS)
            continue;
        row *r = &rows[nrows];
        char *p = line + 4, num[64];
        field(&p, r->id, sizeof r->id);
        field(&p, r->label, sizeof r->label);
        field(&p, r->unit, sizeof r->unit);
        field(&p, r->better, sizeof r->better);
        field(&p, r->target, sizeof r->target);
        field(&p, r->cmp, sizeof r->cmp);
        r->n = 0;
        while (*p && r->n < MAX_VALUES) {
            field(&p, num, sizeof num);
            r->v[r->n++] = strtod(num, NULL);
        }
        if (r->n == 0)
            continue;
        double s[MAX_VALUES];
        memcpy(s, r->v, sizeof s);
        qsort(s, (size_t)r->n, sizeof *s, cmp_double);
        r->median = r->n % 2 ? s[r->n / 2] : (s[r->n / 2 - 1] + s[r->n / 2]) / 2;
        r->min = s[0];
        r->max = s[r->n - 1];
        nrows++;
    }
    fclose(f);

    printf("%-62s %10s %10s %10s  %-9s %8s %4s  %s\n", "figure", "median", "min", "max", "unit",
           "target", "met", "quorum/Hypercore");
    for (int i = 0; i < 62 + 3 * 11 + 2 + 9 + 9 + 5 + 18; i++)
        putchar('-');
    putchar('\n');
    int missed = 0;
    for (int i = 0; i < nrows; i++) {
        const row *r = &rows[i];
        char med[32], mn[32], mx[32], tgt[32] = "-", met[8] = "", ratio[64] = "";
        fmt(r->median, med, sizeof med);
        fmt(r->min, mn, sizeof mn);
        fmt(r->max, mx, sizeof mx);
        if (strcmp(r->target, "-") != 0) {
            double t = strtod(r->target, NULL);
            int ok = strcmp(r->better, "hi") == 0 ? r->median >= t : r->median <= t;
            fmt(t, tgt, sizeof tgt);
            snprintf(met, sizeof met, "%s", ok ? "yes" : "NO");
            missed += !ok;
        }
        const row *h = strcmp(r->cmp, "-") ? find(rows, nrows, r->cmp) : NULL;
        if (h && h->median > 0) {
            double q = strcmp(r->better, "hi") == 0 ? r->median / h->median : h->median / r->median;
            snprintf(ratio, sizeof ratio, "%.2fx", q);
        }
        printf("%-62.62s %10s %10s %10s  %-9s %8s %4s  %s\n", r->label, med, mn, mx, r->unit, tgt,
               met, ratio);
    }
    int fewest = nrows ? rows[0].n : 0;
    for (int i = 1; i < nrows; i++)
        fewest = rows[i].n < fewest ? rows[i].n : fewest;
    printf("\neach figure is the median of %d or more runs, with the smallest and largest run; "
           "%d target%s missed\n",
           fewest, missed, missed == 1 ? "" : "s");
    for (int i = 0; i < nnotes; i++)
        printf("note: %s\n", notes[i]);
    return 0;
}
