/*  =========================================================================
    hs_web_duty - the board's meetings, action items and feeders, from the
                  daemon's store
    =========================================================================
*/

#include "hs_web_duty.h"
#include "../protocol/hs_meetings_msg.h"
#include <pthread.h>

#define PAGES_MAX       20          //  pages of 200 meetings read per kind at most
#define DAY_MS          (24 * 3600 * 1000LL)

struct _hs_web_duty_t {
    pthread_mutex_t lock;
    json_t *records;            //  meeting id -> its record, as the api gave it
    int64_t fetched;            //  when (zclock_mono), 0: never
    int64_t fetched_seq;        //  ... the daemon's next_seq then (health's counters)
    size_t fetches;             //  how many times the api was asked (for the test)
};

hs_web_duty_t *
hs_web_duty_new (void)
{
    hs_web_duty_t *self = (hs_web_duty_t *) zmalloc (sizeof (hs_web_duty_t));
    pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
hs_web_duty_destroy (hs_web_duty_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_web_duty_t *self = *self_p;
        json_decref (self->records);
        pthread_mutex_destroy (&self->lock);
        free (self);
        *self_p = NULL;
    }
}

static int64_t
s_int (const json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    return json_is_integer (value)? (int64_t) json_integer_value (value): 0;
}

static const char *
s_str (const json_t *object, const char *key)
{
    const char *value = json_string_value (json_object_get (object, key));
    return value? value: "";
}

//  Every meeting one kind of request finds, into `records`. Returns 0, or
//  -1 if the api did not answer or refused.
static int
s_fetch (hs_client_t *client, const char *state, int64_t since, json_t *records)
{
    char after [128] = "";
    for (int page = 0; page < PAGES_MAX; page++) {
        hs_meetings_request_t request = { state, since, 200, after };
        hs_pack_t *args = hs_pack_new ();
        hs_meetings_request_encode (args, &request);
        json_t *body;
        int rc = hs_web_link_request (client, "meetings", args, &body);
        hs_pack_destroy (&args);
        if (rc) {
            json_decref (body);
            return -1;
        }
        size_t index;
        json_t *record;
        json_array_foreach (json_object_get (body, "meetings"), index, record)
            if (*s_str (record, "id"))
                json_object_set (records, s_str (record, "id"), record);
        snprintf (after, sizeof (after), "%s", s_str (body, "next"));
        json_decref (body);
        if (!*after)
            break;
    }
    return 0;
}

//  The meeting rows and open action items of `records` at `now`.
static void
s_rows (const json_t *records, int64_t now, json_t *meetings, json_t *actions)
{
    const char *id;
    json_t *record;
    json_object_foreach ((json_t *) records, id, record) {
        int64_t deadline = s_int (record, "deadline");
        bool held = json_is_true (json_object_get (record, "held"));
        bool closed = json_is_string (json_object_get (record, "superseded_by"))
                   && *s_str (record, "superseded_by");
        bool recent = s_int (record, "requested") >= now - HS_WEB_DUTY_RECENT_DAYS * DAY_MS;
        int invited = 0, attending = 0;
        const char *key;
        json_t *answer;
        json_object_foreach (json_object_get (record, "invited"), key, answer) {
            invited++;
            attending += json_is_string (answer) && streq (json_string_value (answer), "attend");
        }
        const char *state = closed? "closed": held? "held": now > deadline? "missed":
                            json_is_true (json_object_get (record, "reminded"))? "short": "upcoming";
        //  Held and closed ones only while recent (their items are listed below).
        if (recent || (!held && !closed)) {
            json_t *cases = json_object_get (record, "cases");
            json_t *row = json_pack ("{s:s, s:s, s:I, s:I, s:s, s:i, s:i, s:o}", "meeting", id,
                "kind", s_str (record, "kind"), "time", (json_int_t) deadline,
                "deadline", (json_int_t) deadline, "state", state, "invited", invited,
                "attending", attending, "case", json_array_size (cases)?
                    json_deep_copy (json_array_get (cases, 0)): json_null ());
            size_t place = 0;
            while (place < json_array_size (meetings)
               &&  s_int (json_array_get (meetings, place), "time") <= deadline)
                place++;
            json_array_insert_new (meetings, place, row);
        }
        size_t number;
        json_t *item;
        json_array_foreach (json_object_get (record, "actions"), number, item) {
            if (!s_int (item, "next") || s_int (item, "done"))
                continue;                       //  done: chased no more
            char item_id [128];
            snprintf (item_id, sizeof (item_id), "%s-a%zu", id, number + 1);
            int64_t due = s_int (item, "due");
            size_t place = 0;
            while (place < json_array_size (actions)
               &&  s_int (json_array_get (actions, place), "due") <= due)
                place++;
            json_array_insert_new (actions, place, json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I}",
                "item", item_id, "meeting", id, "owner", s_str (item, "owner"),
                "text", s_str (item, "text"), "due", (json_int_t) due,
                "late_ms", (json_int_t) (due && now > due? now - due: 0)));
        }
    }
}

//  Health's feeders as the board shows them.
static json_t *
s_feeders (const json_t *health)
{
    json_t *rows = json_array ();
    size_t index;
    json_t *feeder;
    json_array_foreach (json_object_get (health, "feeders"), index, feeder) {
        const char *state = s_str (feeder, "state");
        json_array_append_new (rows, json_pack ("{s:s, s:s, s:I}", "unit", s_str (feeder, "unit"),
            "state", streq (state, "silent") || streq (state, "gap")? state: "ok",
            "last", (json_int_t) s_int (feeder, "last")));
    }
    return rows;
}

int
hs_web_duty_views (hs_web_duty_t *self, hs_client_t *client, const json_t *health,
                   int64_t now, json_t **meetings, json_t **actions, json_t **feeders)
{
    pthread_mutex_lock (&self->lock);
    int rc = 0;
    //  Asked again when the daemon has stored anything since (a meeting
    //  requested, an answer, minutes: the board shows them at once), and
    //  at least every HS_WEB_DUTY_CACHE_MS.
    int64_t next_seq = s_int (json_object_get (health, "counters"), "next_seq");
    if (!self->fetched || next_seq != self->fetched_seq
    ||  zclock_mono () - self->fetched >= HS_WEB_DUTY_CACHE_MS) {
        json_t *records = json_object ();
        int64_t recent = now - HS_WEB_DUTY_RECENT_DAYS * DAY_MS;
        if (s_fetch (client, "open", 0, records)
        ||  s_fetch (client, "actions", 0, records)
        ||  s_fetch (client, "all", recent > 0? recent: 0, records)) {
            json_decref (records);
            rc = -1;
        }
        else {
            json_decref (self->records);
            self->records = records;
            self->fetched = zclock_mono ();
            self->fetched_seq = next_seq;
            self->fetches++;
        }
    }
    if (rc == 0) {
        *meetings = json_array ();
        *actions = json_array ();
        s_rows (self->records, now, *meetings, *actions);
        *feeders = s_feeders (health);
    }
    pthread_mutex_unlock (&self->lock);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test: the rows of four meetings at one time; the api is not
//  asked again within HS_WEB_DUTY_CACHE_MS (no daemon here: a cache
//  filled by hand).

void
hs_web_duty_test (bool verbose)
{
    if (verbose)
        printf (" * hs_web_duty: ");
    int64_t now = 1764576000000LL;
    int64_t old = now - 30 * DAY_MS;
    json_t *records = json_pack ("{s:{s:s, s:s, s:I, s:I, s:{s:s, s:s}, s:b, s:[s]},"
                                 " s:{s:s, s:s, s:I, s:I, s:{}, s:b, s:b,"
                                 "    s:[{s:s, s:s, s:I, s:I, s:I}, {s:s, s:s, s:I, s:I, s:I}]},"
                                 " s:{s:s, s:s, s:I, s:I, s:b, s:s},"
                                 " s:{s:s, s:s, s:I, s:I, s:b}}",
        "putuo-m7", "id", "putuo-m7", "kind", "special", "requested", (json_int_t) old,
            "deadline", (json_int_t) (old + DAY_MS), "invited", "hrss", "attend", "union", "decline",
            "reminded", true, "cases", "putuo-3",
        "putuo-m2", "id", "putuo-m2", "kind", "plenary", "requested", (json_int_t) old,
            "deadline", (json_int_t) (old + 2 * DAY_MS), "invited", "held", true, "reminded", true,
            "actions", "owner", "hrss", "text", "付清工资", "due", (json_int_t) (now - 1000),
                       "next", (json_int_t) now, "done", (json_int_t) 0,
                       "owner", "union", "text", "回访", "due", (json_int_t) (now - 5000),
                       "next", (json_int_t) 0, "done", (json_int_t) (now - 6000),
        "putuo-m9", "id", "putuo-m9", "kind", "special", "requested", (json_int_t) (now - 1000),
            "deadline", (json_int_t) (now + DAY_MS), "reminded", false, "superseded_by", "putuo-m10",
        "putuo-m10", "id", "putuo-m10", "kind", "special", "requested", (json_int_t) (now - 500),
            "deadline", (json_int_t) (now + 2 * DAY_MS), "reminded", false);
    assert (records);
    json_t *meetings = json_array (), *actions = json_array ();
    s_rows (records, now, meetings, actions);
    //  The old missed one stays (open), the old held one is left out (its
    //  open item is not), the recent superseded one is closed; by time.
    assert (json_array_size (meetings) == 3);
    json_t *first = json_array_get (meetings, 0);
    assert (streq (s_str (first, "meeting"), "putuo-m7") && streq (s_str (first, "state"), "missed"));
    assert (s_int (first, "invited") == 2 && s_int (first, "attending") == 1
            && streq (s_str (first, "case"), "putuo-3"));
    assert (streq (s_str (json_array_get (meetings, 1), "state"), "closed"));
    assert (streq (s_str (json_array_get (meetings, 2), "state"), "upcoming"));
    assert (json_array_size (actions) == 1);
    json_t *item = json_array_get (actions, 0);
    assert (streq (s_str (item, "item"), "putuo-m2-a1") && s_int (item, "late_ms") == 1000);
    json_decref (meetings);
    json_decref (actions);
    //  Feeders as health gives them, an unknown state shown as ok.
    json_t *health = json_pack ("{s:[{s:s, s:I, s:s}, {s:s, s:I, s:s}]}", "feeders",
                                "unit", "hrss", "last", (json_int_t) now, "state", "silent",
                                "unit", "court", "last", (json_int_t) now, "state", "odd");
    json_t *feeders = s_feeders (health);
    assert (json_array_size (feeders) == 2
            && streq (s_str (json_array_get (feeders, 0), "state"), "silent")
            && streq (s_str (json_array_get (feeders, 1), "state"), "ok"));
    json_decref (feeders);
    //  A fresh cache is used as it is: no client is needed.
    hs_web_duty_t *duty = hs_web_duty_new ();
    duty->records = records;
    duty->fetched = zclock_mono ();
    json_t *feeders_seen;
    assert (hs_web_duty_views (duty, NULL, health, now, &meetings, &actions, &feeders_seen) == 0);
    assert (json_array_size (meetings) == 3 && json_array_size (actions) == 1
            && json_array_size (feeders_seen) == 2 && duty->fetches == 0);
    json_decref (meetings);
    json_decref (actions);
    json_decref (feeders_seen);
    hs_web_duty_destroy (&duty);
    json_decref (health);
    if (verbose)
        printf ("OK\n");
}
