/*  =========================================================================
    hs_metrics - counters and gauges in Prometheus's text format (0.0.4)

    A page of metrics is built family by family, then written to a file
    for node_exporter's textfile collector (written beside it, then
    renamed over it: a reader sees the old page or the new one, never
    half of one) or handed to the api. No HTTP server of our own.
    =========================================================================
*/

#ifndef HS_METRICS_H_INCLUDED
#define HS_METRICS_H_INCLUDED

#include <czmq.h>

#define HS_HISTOGRAM_MAX 16

//  A histogram: cumulative counts at each upper bound, the count and sum.
typedef struct {
    size_t size;                            //  bounds in use
    double bounds [HS_HISTOGRAM_MAX];       //  upper bounds, rising
    uint64_t counts [HS_HISTOGRAM_MAX];     //  observations <= each bound
    uint64_t count;
    double sum;
} hs_histogram_t;

//  Set a histogram's bounds (up to HS_HISTOGRAM_MAX), zeroing it.
void hs_metrics_histogram_init (hs_histogram_t *self, const double *bounds, size_t size);
void hs_metrics_observe (hs_histogram_t *self, double value);

typedef struct _hs_metrics_t hs_metrics_t;

hs_metrics_t *hs_metrics_new (void);
void hs_metrics_destroy (hs_metrics_t **self_p);

//  Start again with an empty page.
void hs_metrics_reset (hs_metrics_t *self);

//  Begin a family: its name, "counter", "gauge" or "histogram", and a help
//  line.
void hs_metrics_family (hs_metrics_t *self, const char *name, const char *type, const char *help);

//  A sample of the family just begun. `labels` are name, value pairs
//  ending with NULL (values are escaped); none: NULL at once.
void hs_metrics_sample (hs_metrics_t *self, double value, ...);

//  A whole histogram family, with one label pair or none (label NULL).
void hs_metrics_histogram (hs_metrics_t *self, const char *name, const char *help,
                           const hs_histogram_t *histogram);

//  The page so far (valid until the next call).
const char *hs_metrics_text (hs_metrics_t *self);

//  Write the page to `path` atomically. Returns 0, or -1 (errno set).
int hs_metrics_write (hs_metrics_t *self, const char *path);

void hs_metrics_test (bool verbose);

#endif
