/*  =========================================================================
    hs_metrics - counters and gauges in Prometheus's text format (0.0.4)
    =========================================================================
*/

#include "hs_metrics.h"
#include <math.h>

struct _hs_metrics_t {
    char *text;                 //  the page
    size_t size;                //  bytes in it
    size_t max;                 //  bytes allocated
    char family [128];          //  the family being written
};

void
hs_metrics_histogram_init (hs_histogram_t *self, const double *bounds, size_t size)
{
    memset (self, 0, sizeof (*self));
    self->size = size < HS_HISTOGRAM_MAX? size: HS_HISTOGRAM_MAX;
    memcpy (self->bounds, bounds, self->size * sizeof (double));
}

void
hs_metrics_observe (hs_histogram_t *self, double value)
{
    for (size_t index = 0; index < self->size; index++)
        if (value <= self->bounds [index])
            self->counts [index]++;
    self->count++;
    self->sum += value;
}

hs_metrics_t *
hs_metrics_new (void)
{
    hs_metrics_t *self = (hs_metrics_t *) zmalloc (sizeof (hs_metrics_t));
    self->max = 4096;
    self->text = (char *) zmalloc (self->max);
    return self;
}

void
hs_metrics_destroy (hs_metrics_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free ((*self_p)->text);
        free (*self_p);
        *self_p = NULL;
    }
}

void
hs_metrics_reset (hs_metrics_t *self)
{
    self->size = 0;
    self->text [0] = 0;
}

static void
s_append (hs_metrics_t *self, const char *format, ...) CHECK_PRINTF (2);

static void
s_append (hs_metrics_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    int needed = vsnprintf (self->text + self->size, self->max - self->size, format, args);
    va_end (args);
    if (needed < 0)
        return;
    if (self->size + (size_t) needed + 1 > self->max) {
        while (self->size + (size_t) needed + 1 > self->max)
            self->max *= 2;
        self->text = (char *) realloc (self->text, self->max);
        assert (self->text);
        va_start (args, format);
        vsnprintf (self->text + self->size, self->max - self->size, format, args);
        va_end (args);
    }
    self->size += (size_t) needed;
}

//  A label value, escaped as the format asks: \\, \" and \n.
static void
s_append_escaped (hs_metrics_t *self, const char *value)
{
    for (const char *cursor = value; *cursor; cursor++) {
        if (*cursor == '\\' || *cursor == '"')
            s_append (self, "\\%c", *cursor);
        else
        if (*cursor == '\n')
            s_append (self, "\\n");
        else
            s_append (self, "%c", *cursor);
    }
}

static void
s_append_value (hs_metrics_t *self, double value)
{
    if (isinf (value))
        s_append (self, " %s\n", value > 0? "+Inf": "-Inf");
    else
    if (value == floor (value) && fabs (value) < 9e15)
        s_append (self, " %.0f\n", value);
    else
        s_append (self, " %.9g\n", value);
}

void
hs_metrics_family (hs_metrics_t *self, const char *name, const char *type, const char *help)
{
    snprintf (self->family, sizeof (self->family), "%s", name);
    s_append (self, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
hs_metrics_sample (hs_metrics_t *self, double value, ...)
{
    s_append (self, "%s", self->family);
    va_list args;
    va_start (args, value);
    const char *label = va_arg (args, const char *);
    if (label) {
        s_append (self, "{");
        bool first = true;
        while (label) {
            const char *label_value = va_arg (args, const char *);
            s_append (self, "%s%s=\"", first? "": ",", label);
            s_append_escaped (self, label_value? label_value: "");
            s_append (self, "\"");
            first = false;
            label = va_arg (args, const char *);
        }
        s_append (self, "}");
    }
    va_end (args);
    s_append_value (self, value);
}

void
hs_metrics_histogram (hs_metrics_t *self, const char *name, const char *help,
                      const hs_histogram_t *histogram)
{
    hs_metrics_family (self, name, "histogram", help);
    for (size_t index = 0; index < histogram->size; index++) {
        s_append (self, "%s_bucket{le=\"%g\"}", name, histogram->bounds [index]);
        s_append_value (self, (double) histogram->counts [index]);
    }
    s_append (self, "%s_bucket{le=\"+Inf\"}", name);
    s_append_value (self, (double) histogram->count);
    s_append (self, "%s_sum", name);
    s_append_value (self, histogram->sum);
    s_append (self, "%s_count", name);
    s_append_value (self, (double) histogram->count);
}

const char *
hs_metrics_text (hs_metrics_t *self)
{
    return self->text;
}

int
hs_metrics_write (hs_metrics_t *self, const char *path)
{
    //  Beside it, so the rename stays on one file system; node_exporter
    //  reads only *.prom, so the temporary name is never read.
    char temporary [PATH_MAX];
    snprintf (temporary, sizeof (temporary), "%s.%d.tmp", path, (int) getpid ());
    FILE *file = fopen (temporary, "w");
    if (!file)
        return -1;
    bool ok = fwrite (self->text, 1, self->size, file) == self->size;
    ok = fclose (file) == 0 && ok;
    if (!ok || rename (temporary, path)) {
        int saved = errno;
        unlink (temporary);
        errno = saved;
        return -1;
    }
    return 0;
}

void
hs_metrics_test (bool verbose)
{
    if (verbose)
        printf (" * hs_metrics: ");
    hs_metrics_t *metrics = hs_metrics_new ();
    hs_metrics_family (metrics, "hs_test_total", "counter", "Things counted.");
    hs_metrics_sample (metrics, 3, "source", "hrss", "result", "ok", NULL);
    hs_metrics_sample (metrics, 0.25, "odd", "a\"b\\c\nd", NULL);
    hs_metrics_family (metrics, "hs_test_gauge", "gauge", "A level.");
    hs_metrics_sample (metrics, 7, NULL);
    const double bounds [] = { 0.001, 0.01 };
    hs_histogram_t histogram;
    hs_metrics_histogram_init (&histogram, bounds, 2);
    hs_metrics_observe (&histogram, 0.0005);
    hs_metrics_observe (&histogram, 0.005);
    hs_metrics_observe (&histogram, 2);
    hs_metrics_histogram (metrics, "hs_test_seconds", "Durations.", &histogram);
    const char *text = hs_metrics_text (metrics);
    assert (strstr (text, "# HELP hs_test_total Things counted.\n# TYPE hs_test_total counter\n"));
    assert (strstr (text, "hs_test_total{source=\"hrss\",result=\"ok\"} 3\n"));
    assert (strstr (text, "hs_test_total{odd=\"a\\\"b\\\\c\\nd\"} 0.25\n"));
    assert (strstr (text, "hs_test_gauge 7\n"));
    assert (strstr (text, "hs_test_seconds_bucket{le=\"0.001\"} 1\n"));
    assert (strstr (text, "hs_test_seconds_bucket{le=\"0.01\"} 2\n"));
    assert (strstr (text, "hs_test_seconds_bucket{le=\"+Inf\"} 3\n"));
    assert (strstr (text, "hs_test_seconds_count 3\n"));
    //  Many families: the page grows.
    for (int index = 0; index < 500; index++)
        hs_metrics_sample (metrics, index, "n", "x", NULL);
    assert (strlen (hs_metrics_text (metrics)) > 4096);
    char path [] = "/tmp/hs_metrics_test.XXXXXX";
    int handle = mkstemp (path);
    assert (handle >= 0);
    close (handle);
    assert (hs_metrics_write (metrics, path) == 0);
    zfile_t *file = zfile_new (NULL, path);
    assert (zfile_cursize (file) == (off_t) strlen (hs_metrics_text (metrics)));
    zfile_destroy (&file);
    unlink (path);
    assert (hs_metrics_write (metrics, "/nonexistent-folder/x.prom") == -1);
    hs_metrics_reset (metrics);
    assert (*hs_metrics_text (metrics) == 0);
    hs_metrics_destroy (&metrics);
    if (verbose)
        printf ("OK\n");
}
