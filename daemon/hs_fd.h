/*  =========================================================================
    hs_fd - file descriptors: as many as we may have, and a listener that
            running out of them cannot kill

    libzmq 4.3 accepts connections on its I/O threads and asserts on an
    accept() that fails with EMFILE on an ipc endpoint (the daemon dies
    with SIGABRT); on tcp it returns, the listener stays readable and the
    I/O thread spins. Nothing in libzmq caps connections. So this class:

    - raises the soft RLIMIT_NOFILE to the hard limit at start;
    - keeps the top `reserve` descriptors for the daemon's own files (the
      certificates folder, the metrics file, a fresh upstream socket): a
      connection accepted at or above limit - reserve is closed at once
      and accept() answers EAGAIN, which libzmq takes quietly;
    - holds one spare descriptor: when accept() fails with EMFILE or
      ENFILE anyway, the spare is closed, the waiting connection accepted
      and closed at once, the spare opened again, and accept() answers
      EAGAIN: the backlog drains, nothing aborts, nothing spins.

    It does this by defining accept and accept4 in the daemon's program:
    the program's definitions come before libc's for libzmq's calls (ELF
    symbol interposition), and they call libc's (or a sanitizer's) through
    dlsym (RTLD_NEXT). Connections refused this way are counted.
    =========================================================================
*/

#ifndef HS_FD_H_INCLUDED
#define HS_FD_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

//  Raise the soft descriptor limit to the hard one, keep `reserve`
//  descriptors below it for the daemon's own files, and open the spare.
//  Logs what it did. Returns the limit in force.
int hs_fd_init (int reserve);

//  The descriptor limit in force, and the first descriptor a connection
//  may not have (0: no cap yet).
int hs_fd_limit (void);
int hs_fd_cap (void);

//  Connections closed at once because the descriptors were (nearly) used up.
uint64_t hs_fd_refused (void);

void hs_fd_test (bool verbose);

#endif
