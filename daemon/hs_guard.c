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

static __thread sigjmp_buf *volatile s_jump;   //  this thread's guard, or NULL (volatile:
                                                //  a fault may come between any two stores)
static atomic_uint_fast64_t s_faults;   //  guarded calls that faulted
static char s_last [160];               //  what the last one was
static atomic_flag s_installed = ATOMIC_FLAG_INIT;

//  What a guarded thread does on a fault: note it and jump back.
static void
s_jump_back (const char *what)
{
    sigjmp_buf *jump = s_jump;
    s_jump = NULL;
    snprintf (s_last, sizeof (s_last), "%s", what);
    atomic_fetch_add (&s_faults, 1);
    siglongjmp (*jump, 1);
}

static void
s_on_fault (int signal_number, siginfo_t *info, void *context)
{
    (void) info;
    (void) context;
    if (s_jump)
        s_jump_back (signal_number == SIGBUS? "SIGBUS": "SIGSEGV");
    //  Not ours to catch: the default action. Returning re-runs the
    //  faulting instruction, which now dumps core as it would have.
    signal (signal_number, SIG_DFL);
}

void
hs_guard_install (void)
{
    if (atomic_flag_test_and_set (&s_installed))
        return;
    stack_t stack = { .ss_sp = malloc (SIGSTKSZ * 4), .ss_size = SIGSTKSZ * 4, .ss_flags = 0 };
    if (stack.ss_sp)
        sigaltstack (&stack, NULL);
    struct sigaction action;
    memset (&action, 0, sizeof (action));
    action.sa_sigaction = s_on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset (&action.sa_mask);
    sigaction (SIGSEGV, &action, NULL);
    sigaction (SIGBUS, &action, NULL);
}

void hs_guard_enter (sigjmp_buf *jump) { s_jump = jump; atomic_signal_fence (memory_order_seq_cst); }
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
    //  Unguarded: say what failed; LMDB aborts when this returns.
    hs_log_error ("hs_guard: the store is damaged: LMDB: %s", message);
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
    HS_GUARD_RUN (rc, -1, s_test_read (page));
    munmap (page, 4096);
    assert (rc == -1 && hs_guard_faults () == 1 && streq (hs_guard_last (), "SIGSEGV"));
    //  So does an LMDB assertion, and the guard is good for the next call.
    HS_GUARD_RUN (rc, -2, (hs_guard_lmdb_assert (NULL, "IS_LEAF(mp)"), 0));
    assert (rc == -2 && hs_guard_faults () == 2 && strstr (hs_guard_last (), "IS_LEAF"));
    HS_GUARD_RUN (rc, -1, 5);
    assert (rc == 5);
    if (verbose)
        printf ("OK\n");
}
