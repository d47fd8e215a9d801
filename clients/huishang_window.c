/*  =========================================================================
    huishang_window - acknowledged submit with a window of submits in flight

    The window is a ring of the messages from the oldest one whose fate is
    not yet told to the newest sent: a message answered early waits there
    for those before it, so answers are told in input order, and the
    window holds at most `capacity` messages, told or not.
    =========================================================================
*/

#include "huishang_window.h"

typedef struct {
    uint64_t number;            //  its place in the input, from 0: its tag
    char topic [HS_TOPIC_MAX + 1];
    char where [32];
    uint8_t *body;
    size_t size;
    int tries;                  //  times sent
    int64_t first;              //  zclock_mono () when first sent
    int64_t due;                //  ... and when to send it again
    bool answered;              //  any answer came for it (even "error")
    bool done;                  //  its fate is known
    bool given_up;              //  ... no final answer came
    hs_submit_reply_t reply;
} s_entry_t;

struct _huishang_window_t {
    hs_client_t *client;        //  borrowed
    zsock_t *sock;              //  DEALER to the submit endpoint
    zsock_t *previous;          //  ... and the one before it, still heard: what it
                                //  sent may have reached a daemon only just up
    s_entry_t *ring;
    size_t capacity;
    uint64_t oldest;            //  the first message whose fate is not told
    uint64_t next;              //  the next message's number
    int timeout;                //  ms before a message is sent again
    int64_t heard;              //  zclock_mono () of the last answer, or of the
                                //  window's last start from empty
    huishang_window_fn *on_answer;
    void *arg;
};

static void
s_socket (huishang_window_t *self)
{
    zsock_destroy (&self->previous);
    self->previous = self->sock;
    self->sock = hs_client_secure (self->client, zsock_new (ZMQ_DEALER));
    assert (self->sock);
    zsock_set_linger (self->sock, 0);
    //  Room for the window both ways, and resends on top; a send never waits.
    zsock_set_sndhwm (self->sock, (int) self->capacity * 2 + 16);
    zsock_set_rcvhwm (self->sock, (int) self->capacity * 2 + 16);
    zsock_set_sndtimeo (self->sock, 0);
    zsock_set_rcvtimeo (self->sock, 0);
    zsock_connect (self->sock, "%s", hs_client_submit_endpoint (self->client));
}

huishang_window_t *
huishang_window_new (hs_client_t *client, int size, huishang_window_fn *on_answer, void *arg)
{
    assert (client && size >= 1 && on_answer);
    huishang_window_t *self = (huishang_window_t *) zmalloc (sizeof (huishang_window_t));
    self->client = client;
    self->capacity = (size_t) size;
    self->ring = (s_entry_t *) zmalloc (self->capacity * sizeof (s_entry_t));
    self->timeout = hs_client_timeout (client, HS_CLIENT_SUBMIT_TIMEOUT);
    self->on_answer = on_answer;
    self->arg = arg;
    s_socket (self);
    return self;
}

void
huishang_window_destroy (huishang_window_t **self_p)
{
    assert (self_p);
    huishang_window_t *self = *self_p;
    if (!self)
        return;
    for (uint64_t number = self->oldest; number < self->next; number++)
        free (self->ring [number % self->capacity].body);
    free (self->ring);
    zsock_destroy (&self->sock);
    zsock_destroy (&self->previous);
    free (self);
    *self_p = NULL;
}

//  Send (again) one message: [tag] [empty] [topic] [body]. What a full
//  queue refuses is sent again when due, like what was lost.
static void
s_send (huishang_window_t *self, s_entry_t *entry, int64_t now)
{
    uint8_t tag [8];
    for (int index = 0; index < 8; index++)
        tag [index] = (uint8_t) (entry->number >> (56 - 8 * index));
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, tag, sizeof (tag));
    zmsg_addmem (msg, NULL, 0);
    zmsg_addstr (msg, entry->topic);
    zmsg_addmem (msg, entry->body, entry->size);
    if (zmsg_send (&msg, self->sock))
        zmsg_destroy (&msg);
    entry->tries++;
    entry->due = now + self->timeout;
}

//  Past its resends or its deadline? Then it is given up on (said).
static bool
s_give_up (huishang_window_t *self, s_entry_t *entry, int64_t now)
{
    int retries = hs_client_retries (self->client);
    int deadline = hs_client_deadline (self->client);
    if (!(retries && entry->tries > retries) && now - entry->first < deadline)
        return false;
    if (!entry->answered)
        hs_client_set_unreachable (self->client);
    fprintf (stderr, "huishang: %s: gave up after %d tries in %d ms (%s %s)\n", entry->where,
             entry->tries, deadline, entry->answered? "the daemon could not store it at":
             "no answer from", hs_client_submit_endpoint (self->client));
    entry->done = entry->given_up = true;
    return true;
}

//  One answer: [tag] [empty] [status] [map]. A late answer to a message
//  already answered (it was sent again) is dropped.
static void
s_answer (huishang_window_t *self, zmsg_t *answer, int64_t now)
{
    zframe_t *tag = zmsg_first (answer);
    zframe_t *empty = zmsg_next (answer);
    zframe_t *status = zmsg_next (answer);
    zframe_t *map = zmsg_next (answer);
    if (!tag || zframe_size (tag) != 8 || !empty || zframe_size (empty) || !status)
        return;                 //  not an answer of ours
    uint64_t number = 0;
    for (int index = 0; index < 8; index++)
        number = number << 8 | zframe_data (tag) [index];
    if (number < self->oldest || number >= self->next)
        return;
    s_entry_t *entry = &self->ring [number % self->capacity];
    if (entry->done || entry->number != number)
        return;
    entry->answered = true;
    char *name = zframe_strdup (status);
    int rc = hs_submit_reply_decode (name, map? zframe_data (map): NULL, map? zframe_size (map): 0,
                                     &entry->reply);
    free (name);
    if (rc == 0 && entry->reply.status != HS_SUBMIT_ERROR) {
        entry->done = true;
        return;
    }
    //  The store could not take it now, or the answer made no sense: the
    //  same message again, after a pause.
    fprintf (stderr, "huishang: %s: the daemon could not store it (%s), sending again\n",
             entry->where, rc == 0? entry->reply.detail: "");
    entry->due = now + self->timeout / 4;
}

//  Tell the fates known, in order, and free their room.
static void
s_tell (huishang_window_t *self)
{
    while (self->oldest < self->next) {
        s_entry_t *entry = &self->ring [self->oldest % self->capacity];
        if (!entry->done)
            break;
        self->on_answer (self->arg, entry->topic, entry->where,
                         entry->given_up? NULL: &entry->reply);
        free (entry->body);
        entry->body = NULL;
        self->oldest++;
    }
}

//  Send again what is due. If nothing at all came back for the timeout,
//  a fresh socket and everything outstanding again.
static void
s_resend (huishang_window_t *self, int64_t now)
{
    bool silent = now - self->heard >= self->timeout;
    size_t outstanding = 0;
    for (uint64_t number = self->oldest; number < self->next; number++)
        outstanding += !self->ring [number % self->capacity].done;
    if (outstanding == 0)
        return;
    if (silent) {
        fprintf (stderr, "huishang: no answer from %s in %d ms, sending again (%zu in flight, "
                 "on a fresh socket)\n", hs_client_submit_endpoint (self->client), self->timeout,
                 outstanding);
        s_socket (self);
        self->heard = now;
    }
    for (uint64_t number = self->oldest; number < self->next; number++) {
        s_entry_t *entry = &self->ring [number % self->capacity];
        bool late = now - entry->first >= hs_client_deadline (self->client);
        if (entry->done || (!silent && entry->due > now && !late) || s_give_up (self, entry, now))
            continue;
        if (!silent && entry->answered == false)
            fprintf (stderr, "huishang: %s: no answer in %d ms, sending again\n", entry->where,
                     self->timeout);
        s_send (self, entry, now);
    }
}

//  Wait up to `wait` ms (or until a resend is due) for answers, take all
//  that came, send again what is due, tell what is known.
static void
s_pump (huishang_window_t *self, int64_t wait)
{
    int64_t now = zclock_mono ();
    int64_t wake = self->heard + self->timeout;
    int64_t deadline = hs_client_deadline (self->client);
    for (uint64_t number = self->oldest; number < self->next; number++) {
        s_entry_t *entry = &self->ring [number % self->capacity];
        if (!entry->done && entry->due < wake)
            wake = entry->due;
        if (!entry->done && entry->first + deadline < wake)
            wake = entry->first + deadline;
    }
    if (wake - now < wait)
        wait = wake - now;
    zmq_pollitem_t items [2] = { { zsock_resolve (self->sock), 0, ZMQ_POLLIN, 0 },
                                 { self->previous? zsock_resolve (self->previous): NULL, 0,
                                   ZMQ_POLLIN, 0 } };
    if (zmq_poll (items, self->previous? 2: 1, wait > 0? (long) wait: 0) > 0) {
        now = zclock_mono ();
        for (int index = 0; index < 2; index++) {
            zsock_t *sock = index? self->previous: self->sock;
            zmsg_t *answer;
            while (sock && (items [index].revents & ZMQ_POLLIN) && (answer = zmsg_recv (sock))) {
                self->heard = now;
                s_answer (self, answer, now);
                zmsg_destroy (&answer);
            }
        }
    }
    s_resend (self, zclock_mono ());
    s_tell (self);
}

int
huishang_window_submit (huishang_window_t *self, const char *topic, const void *body,
                        size_t size, const char *where)
{
    while (self->next - self->oldest >= self->capacity && !zsys_interrupted)
        s_pump (self, self->timeout);
    if (zsys_interrupted)
        return -1;
    int64_t now = zclock_mono ();
    if (self->oldest == self->next)
        self->heard = now;      //  silence is counted from here
    s_entry_t *entry = &self->ring [self->next % self->capacity];
    memset (entry, 0, sizeof (*entry));
    entry->number = self->next++;
    hs_strcpy (entry->topic, sizeof (entry->topic), topic);
    hs_strcpy (entry->where, sizeof (entry->where), where);
    entry->body = (uint8_t *) malloc (size? size: 1);
    assert (entry->body);
    memcpy (entry->body, body, size);
    entry->size = size;
    entry->first = now;
    s_send (self, entry, now);
    s_pump (self, 0);           //  take what came meanwhile, without waiting
    return 0;
}

int
huishang_window_finish (huishang_window_t *self)
{
    while (self->oldest < self->next && !zsys_interrupted)
        s_pump (self, self->timeout);
    return zsys_interrupted? -1: 0;
}
