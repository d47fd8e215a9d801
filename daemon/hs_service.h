/*  =========================================================================
    hs_service - telling systemd how we are (sd_notify(3))

    Under a unit with Type=notify, systemd gives us $NOTIFY_SOCKET and, with
    WatchdogSec=, $WATCHDOG_USEC. We send READY=1 once the sockets are bound
    and the store is open, STATUS= with live counts, WATCHDOG=1 from the
    main loop (so a hung loop is restarted), RELOADING=1 ... READY=1 around
    a reload and STOPPING=1 on the way out. Without $NOTIFY_SOCKET every
    call does nothing.
    =========================================================================
*/

#ifndef HS_SERVICE_H_INCLUDED
#define HS_SERVICE_H_INCLUDED

#include <czmq.h>

//  Read what systemd gave us; call once, at start.
void hs_service_init (void);

//  Milliseconds between watchdog pings (half of $WATCHDOG_USEC), or 0.
int64_t hs_service_watchdog_ms (void);

//  The state changes, each with a status line.
void hs_service_ready (const char *status);
void hs_service_reloading (void);
void hs_service_stopping (void);

//  From the main loop, as often as it turns: a watchdog ping when one is
//  due, and the status line when it is due (every 5 s). `status` is
//  called only then, to fill in the line.
typedef void (hs_service_status_fn) (void *arg, char *line, size_t size);
void hs_service_tick (hs_service_status_fn *status, void *arg);

#endif
