/*  =========================================================================
    hs_guard - a read of a damaged store fails the request, not the daemon

    The jump buffer is per thread (__thread), so only the thread that set a
    guard can be jumped back to, and only while it is inside HS_GUARD_RUN.
    The handlers run on an alternate stack: a fault from a runaway
    recursion would otherwise have no stack to run on.
    =========================================================================
*/

#include "hs_guard.h"
#include "hs_log.h"
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <pthread.h>
#include <fcntl.h>

static __thread sigjmp_buf *volatile s_jump;   //  this thread's guard, or NULL (volatile:
                                                //  a fault may come between any two stores)
static atomic_uint_fast64_t s_faults;   //  guarded calls that faulted
static char s_last [160];               //  what the last one was
static atomic_flag s_installed = ATOMIC_FLAG_INIT;
static _Atomic (uintptr_t) s_region_start; //  the store's map (hs_guard_region) ...
static _Atomic (uintptr_t) s_region_end;   //  ... and past it, the reach of a damaged size
static __thread bool s_stack_set;       //  this thread has its alternate signal stack
static char s_note [1024];              //  hs_guard_note's file ("": none)

//  The note, from a signal handler too: open, write and close only.
static void
s_write_note (const char *what)
{
    if (!s_note [0])
        return;
    int fd = open (s_note, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return;
    static const char head [] = "a read of the store's pages failed in huishangd: ";
    ssize_t ignored = write (fd, head, sizeof (head) - 1);
    ignored = write (fd, what, strlen (what));
    ignored = write (fd, "\n", 1);
    (void) ignored;
    close (fd);
}

static void s_stack (void);

//  How far past the map a read through a damaged length may land.
#define REACH ((uintptr_t) 1 << 32)

//  What a guarded thread does on a fault: note it and jump back.
static void
s_jump_back (const char *what)
{
    sigjmp_buf *jump = s_jump;
    s_jump = NULL;
    snprintf (s_last, sizeof (s_last), "%s", what);
    s_write_note (what);
    atomic_fetch_add (&s_faults, 1);
    siglongjmp (*jump, 1);
}

//  A damaged page: a fault reading the store's map (or a damaged length's
//  reach past it), or SIGBUS (the file is shorter than the map says).
//  Anything else is a bug, and is not hidden behind store_corrupt.
static bool
s_in_store (int signal_number, const siginfo_t *info)
{
    if (signal_number == SIGBUS)
        return true;
    uintptr_t address = (uintptr_t) info->si_addr;
    return address >= atomic_load (&s_region_start) && address < atomic_load (&s_region_end);
}

static void
s_on_fault (int signal_number, siginfo_t *info, void *context)
{
    (void) context;
    bool in_store = s_in_store (signal_number, info);
    if (s_jump && in_store)
        s_jump_back (signal_number == SIGBUS? "SIGBUS": "SIGSEGV");
    if (in_store)
        s_write_note (signal_number == SIGBUS? "SIGBUS (unguarded)": "SIGSEGV (unguarded)");
    //  Not ours to catch: the default action. Returning re-runs the
    //  faulting instruction, which now dumps core as it would have.
    signal (signal_number, SIG_DFL);
}

void
hs_guard_install (void)
{
    if (atomic_flag_test_and_set (&s_installed))
        return;
    s_stack ();
    struct sigaction action;
    memset (&action, 0, sizeof (action));
    action.sa_sigaction = s_on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset (&action.sa_mask);
    sigaction (SIGSEGV, &action, NULL);
    sigaction (SIGBUS, &action, NULL);
}

//  At a thread's end: its alternate stack, if it is ours, goes with it.
static void
s_stack_free (void *memory)
{
    stack_t off = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    sigaltstack (&off, NULL);
    free (memory);
}

static pthread_key_t s_stack_key;
static pthread_once_t s_stack_once = PTHREAD_ONCE_INIT;

static void
s_stack_key_new (void)
{
    pthread_key_create (&s_stack_key, s_stack_free);
}

//  Each thread needs its own alternate stack (sigaltstack is per thread).
//  One that is there already (a sanitizer's runtime sets its own) stays.
static void
s_stack (void)
{
    if (s_stack_set)
        return;
    s_stack_set = true;
    stack_t current;
    if (sigaltstack (NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE))
        return;
    pthread_once (&s_stack_once, s_stack_key_new);
    stack_t stack = { .ss_sp = malloc (SIGSTKSZ * 4), .ss_size = SIGSTKSZ * 4, .ss_flags = 0 };
    if (stack.ss_sp && sigaltstack (&stack, NULL) == 0)
        pthread_setspecific (s_stack_key, stack.ss_sp);
    else
        free (stack.ss_sp);
}

void
hs_guard_region (const void *start, size_t size)
{
    uintptr_t begin = (uintptr_t) start;
    atomic_store (&s_region_start, begin);
    atomic_store (&s_region_end, begin + size + REACH < begin? UINTPTR_MAX: begin + size + REACH);
}

void
hs_guard_enter (sigjmp_buf *jump)
{
    s_stack ();
    s_jump = jump;
    atomic_signal_fence (memory_order_seq_cst);
}
void hs_guard_leave (void) { atomic_signal_fence (memory_order_seq_cst); s_jump = NULL; }

void
hs_guard_lmdb_assert (void *env, const char *message)
{
    (void) env;
    if (s_jump) {
        char what [160];
        snprintf (what, sizeof (what), "LMDB: %s", message);
        s_jump_back (what);
    }
    //  Unguarded: note it, say what failed; LMDB aborts when this returns.
    char what [160];
    snprintf (what, sizeof (what), "LMDB: %s (unguarded)", message);
    s_write_note (what);
    hs_log_error ("hs_guard: the store is damaged: LMDB: %s", message);
}

void
hs_guard_damaged (const char *what)
{
    char line [160];
    snprintf (line, sizeof (line), "LMDB: %s", what);
    if (atomic_fetch_add (&s_faults, 1) == 0)
        hs_log_error ("hs_guard: THE STORE IS DAMAGED: %s%s", line, s_note [0]?
                      ". The next start reads the whole store first and refuses it if it is "
                      "still damaged": "");
    snprintf (s_last, sizeof (s_last), "%s", line);
    s_write_note (line);
}

void
hs_guard_note (const char *file)
{
    snprintf (s_note, sizeof (s_note), "%s", file? file: "");
}

uint64_t hs_guard_faults (void) { return atomic_load (&s_faults); }
const char *hs_guard_last (void) { return s_last; }

//  A read of a page that is mapped but not readable: a real SIGSEGV, as
//  LMDB meets one past a damaged page pointer.
static int
s_test_read (const volatile int *pointer)
{
    return *pointer;
}

void
hs_guard_test (bool verbose)
{
    if (verbose)
        printf (" * hs_guard: ");
    hs_guard_install ();
    hs_guard_install ();            //  once only
    int rc = -7;
    HS_GUARD_RUN (rc, -1, 42);
    assert (rc == 42 && hs_guard_faults () == 0);
    //  A fault while guarded comes back as the fault value, counted.
    int *page = (int *) mmap (NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert (page != MAP_FAILED);
    uintptr_t start = atomic_load (&s_region_start), end = atomic_load (&s_region_end);
    hs_guard_region (page, 4096);
    //  ... and noted for the next start, when there is a note to write.
    char *note = zsys_sprintf ("/tmp/hs_guard_test.%d", getpid ());
    hs_guard_note (note);
    HS_GUARD_RUN (rc, -1, s_test_read (page));
    assert (rc == -1 && hs_guard_faults () == 1 && streq (hs_guard_last (), "SIGSEGV"));
    FILE *handle = fopen (note, "r");
    char line [256] = "";
    assert (handle && fgets (line, sizeof (line), handle) && strstr (line, "SIGSEGV"));
    fclose (handle);
    unlink (note);
    //  A fault elsewhere is a bug, guarded or not: it still kills (in a
    //  child, so that this test goes on).
    hs_guard_region (page + 4096, 4096);
    fflush (NULL);
    pid_t child = fork ();
    if (child == 0) {
        HS_GUARD_RUN (rc, -1, s_test_read (page));
        _exit (0);
    }
    int status = 0;
    assert (child > 0 && waitpid (child, &status, 0) == child);
    assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGSEGV);
    assert (!zsys_file_exists (note));      //  not the store's pages: no note
    //  ... and one on the store's pages, unguarded (the writer meeting a
    //  damaged page): the default action still, the note written first.
    hs_guard_region (page, 4096);
    fflush (NULL);
    child = fork ();
    if (child == 0) {
        s_test_read (page);
        _exit (0);
    }
    assert (child > 0 && waitpid (child, &status, 0) == child);
    assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGSEGV);
    handle = fopen (note, "r");
    assert (handle && fgets (line, sizeof (line), handle) && strstr (line, "unguarded"));
    fclose (handle);
    unlink (note);
    hs_guard_note (NULL);
    zstr_free (&note);
    munmap (page, 4096);
    atomic_store (&s_region_start, start);
    atomic_store (&s_region_end, end);
    //  So does an LMDB assertion, and the guard is good for the next call.
    HS_GUARD_RUN (rc, -2, (hs_guard_lmdb_assert (NULL, "IS_LEAF(mp)"), 0));
    assert (rc == -2 && hs_guard_faults () == 2 && strstr (hs_guard_last (), "IS_LEAF"));
    HS_GUARD_RUN (rc, -1, 5);
    assert (rc == 5);
    //  LMDB saying so, on any thread: counted, and noted.
    note = zsys_sprintf ("/tmp/hs_guard_test.%d", getpid ());
    hs_guard_note (note);
    hs_guard_damaged ("MDB_CORRUPTED: Located page was wrong type");
    assert (hs_guard_faults () == 3 && strstr (hs_guard_last (), "MDB_CORRUPTED"));
    assert (zsys_file_exists (note));
    unlink (note);
    hs_guard_note (NULL);
    zstr_free (&note);
    if (verbose)
        printf ("OK\n");
}
