/*  =========================================================================
    hs_service - telling systemd how we are (sd_notify(3))
    =========================================================================
*/

#include "hs_service.h"
#include "hs_log.h"
#include <systemd/sd-daemon.h>

#define STATUS_EVERY_MS 5000

static int64_t s_watchdog_ms;           //  ping interval, 0: no watchdog
static int64_t s_next_ping;             //  zclock_mono () of the next ping
static int64_t s_next_status;

void
hs_service_init (void)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled (0, &usec) > 0 && usec > 0)
        s_watchdog_ms = (int64_t) (usec / 2000) > 0? (int64_t) (usec / 2000): 1;
    s_next_ping = zclock_mono ();
    s_next_status = zclock_mono () + STATUS_EVERY_MS;
}

int64_t
hs_service_watchdog_ms (void)
{
    return s_watchdog_ms;
}

static void
s_notify (const char *state, const char *status)
{
    if (!getenv ("NOTIFY_SOCKET"))
        return;
    int rc = status? sd_notifyf (0, "%s%sSTATUS=%s", state, *state? "\n": "", status):
                     sd_notify (0, state);
    if (rc < 0)
        hs_log_warning ("huishangd: sd_notify (%s) failed: %s", state, strerror (-rc));
}

void
hs_service_ready (const char *status)
{
    s_notify ("READY=1", status);
}

void
hs_service_reloading (void)
{
    //  systemd 253 and later want MONOTONIC_USEC with RELOADING=1; 252
    //  ignores it.
    char state [64];
    snprintf (state, sizeof (state), "RELOADING=1\nMONOTONIC_USEC=%lld",
              (long long) zclock_mono () * 1000);
    s_notify (state, "reloading the configuration");
}

void
hs_service_stopping (void)
{
    s_notify ("STOPPING=1", "stopping");
}

void
hs_service_tick (hs_service_status_fn *status, void *arg)
{
    if (!getenv ("NOTIFY_SOCKET"))
        return;
    int64_t now = zclock_mono ();
    if (s_watchdog_ms && now >= s_next_ping) {
        s_notify ("WATCHDOG=1", NULL);
        s_next_ping = now + s_watchdog_ms;
    }
    if (now >= s_next_status) {
        char line [256];
        status (arg, line, sizeof (line));
        s_notify ("", line);
        s_next_status = now + STATUS_EVERY_MS;
    }
}
