/*  =========================================================================
    hs_envelope - the envelope of an acknowledged submit

    A topic is never empty (1..128 bytes), so the first empty frame of a
    message is the delimiter, if there is one: what comes before it is
    the envelope. A REQ's envelope is the delimiter alone.
    =========================================================================
*/

#include "hs_envelope.h"

int
hs_envelope_split (zmsg_t *frames, zmsg_t *reply)
{
    //  Where the delimiter is, and whether what comes before it is in bounds.
    size_t before = 0;
    bool found = false, fits = true;
    for (zframe_t *frame = zmsg_first (frames); frame; frame = zmsg_next (frames)) {
        if (zframe_size (frame) == 0) {
            found = true;
            break;
        }
        if (zframe_size (frame) > HS_ENVELOPE_BYTES)
            fits = false;
        before++;
    }
    if (!found)
        return 0;               //  a DEALER that sent no delimiter
    if (before > HS_ENVELOPE_FRAMES)
        fits = false;
    for (size_t index = 0; index <= before; index++) {
        zframe_t *frame = zmsg_pop (frames);
        if (fits)
            zmsg_append (reply, &frame);
        else
            zframe_destroy (&frame);
    }
    if (fits)
        return 0;
    zmsg_addmem (reply, NULL, 0);
    return -1;
}

//  ---------------------------------------------------------------------
//  Self test

static zmsg_t *
s_test_frames (const char *first, ...)
{
    zmsg_t *msg = zmsg_new ();
    va_list args;
    va_start (args, first);
    for (const char *text = first; text; text = va_arg (args, const char *))
        zmsg_addstr (msg, text);
    va_end (args);
    return msg;
}

//  Split `frames`; assert the result, the answer's head and the content.
static void
s_test_split (zmsg_t *frames, int rc, size_t head, size_t content)
{
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "identity");
    assert (hs_envelope_split (frames, reply) == rc);
    assert (zmsg_size (reply) == head);
    assert (zmsg_size (frames) == content);
    assert (zframe_size (zmsg_last (reply)) == (head > 1? 0: 8));
    zmsg_destroy (&reply);
    zmsg_destroy (&frames);
}

void
hs_envelope_test (bool verbose)
{
    if (verbose)
        printf (" * hs_envelope: ");
    //  REQ: the delimiter alone. DEALER: tags and the delimiter, or nothing.
    s_test_split (s_test_frames ("", "report.hrss", "body", NULL), 0, 2, 2);
    s_test_split (s_test_frames ("tag", "", "report.hrss", "body", NULL), 0, 3, 2);
    s_test_split (s_test_frames ("a", "b", "c", "d", "", "report.hrss", "body", NULL), 0, 6, 2);
    s_test_split (s_test_frames ("report.hrss", "body", NULL), 0, 1, 2);
    //  Past the bounds: dropped, answered with a bare delimiter.
    s_test_split (s_test_frames ("a", "b", "c", "d", "e", "", "report.hrss", "body", NULL),
                  -1, 2, 2);
    char big [HS_ENVELOPE_BYTES + 2];
    memset (big, 'x', sizeof (big) - 1);
    big [sizeof (big) - 1] = 0;
    s_test_split (s_test_frames (big, "", "report.hrss", "body", NULL), -1, 2, 2);
    big [HS_ENVELOPE_BYTES] = 0;
    s_test_split (s_test_frames (big, "", "report.hrss", "body", NULL), 0, 3, 2);
    //  The tag is echoed as sent.
    zmsg_t *frames = s_test_frames ("t-7", "", "report.hrss", "body", NULL);
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "identity");
    assert (hs_envelope_split (frames, reply) == 0);
    zmsg_first (reply);
    zframe_t *tag = zmsg_next (reply);
    assert (tag && zframe_streq (tag, "t-7"));
    zmsg_destroy (&reply);
    zmsg_destroy (&frames);
    if (verbose)
        printf ("OK\n");
}
