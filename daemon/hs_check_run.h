/*  =========================================================================
    hs_check_run - one check's child, followed (private to hs_check)

    hs_check.c forks the child and reads what it says; hs_check_start.c
    (the daemon's start) follows it past the start, on a thread.
    =========================================================================
*/

#ifndef HS_CHECK_RUN_H_INCLUDED
#define HS_CHECK_RUN_H_INCLUDED

//  (After hs_check.h: hs_check_result_t, hs_store_t.)

//  One check: the child, its pipe, and what it has said so far.
typedef struct {
    char path [1024];
    pid_t pid;
    int fd;
    int64_t started;
    char text [4096];           //  its last lines
    size_t used;
    bool quick;                 //  it said the quick part was sound
    bool ended;                 //  its pipe closed: it is done
    bool failed;                //  the pipe could not be read: no verdict
    int error;                  //  ... why (errno)
    bool timed_out;             //  its time was up: killed
    int64_t timeout_ms;
} hs_check_run_t;

//  Fork the child on the store in `path`: 0, or -1 with `report` said.
int hs_check_run_start (hs_check_run_t *run, const char *path, int64_t timeout_ms,
                        char *report, size_t report_size);

//  Read its lines until it ends, until `deadline` (zclock_mono; 0: none),
//  or, if `quick`, until it says the quick part is sound.
void hs_check_run_read (hs_check_run_t *run, int64_t deadline, bool quick);

//  Its end (killed first if it has not ended: its time was up), reaped:
//  the verdict from its status and its last line.
hs_check_result_t hs_check_run_verdict (hs_check_run_t *run, uint64_t *entries,
                                        char *report, size_t report_size);

//  The format the quick part read, or 0.
uint64_t hs_check_run_format (const hs_check_run_t *run);

//  No data.mdb in `path` (a new store): true, with `report` said.
bool hs_check_no_store (const char *path, char *report, size_t report_size);

//  For the self tests: a store in `path` with 200 events of 10,000 bytes
//  (the caller destroys it).
hs_store_t *hs_check_sample_test (const char *path);

#endif
