/*  =========================================================================
    huishang_archive - the archive a person can hand over: huishang archive

    What is read first, then written: the filed cases of the period (the
    api's `filed`, page by page), then the published events (`replay`,
    page by page, from the first): the meeting.* events grouped by
    meeting, the briefings and the case.filed events of the period; then
    each meeting's record (`meeting`). Everything goes into a folder made
    beside DIR, which is renamed onto DIR once complete (rename replaces
    an empty folder): a failed export leaves nothing behind.

    The pages hold their own style, no script and nothing they would
    fetch; every text from the store is escaped (huishang_html). Times are
    the district's (calendar/utc_offset).
    =========================================================================
*/

#include "huishang_archive.h"
#include "huishang_archive_page.h"
#include "huishang_dossier.h"
#include "huishang_html.h"
#include "huishang_options.h"
#include "huishang_print.h"
#include "../protocol/hs_json.h"
#include "../protocol/hs_filing_msg.h"
#include <dirent.h>
#include <sys/stat.h>

#define FILED_MAX       100000  //  filed cases one export takes
#define REPLAY_PAGES    100000  //  replay pages one export reads

typedef struct {
    hs_client_t *client;
    hs_config_t *config;
    int64_t since, until;
    const char *dir;
    char *temp;                 //  the folder being written, beside DIR
    json_t *cases;              //  [{case, filed, record, events}]
    json_t *meetings;           //  id -> {record, events, in_period}
    json_t *meeting_order;      //  ids, in the order first seen
    json_t *briefings;          //  [{seq, topic, body}]
    json_t *filed_seqs;         //  case id -> the seq of its case.filed
    json_t *files;              //  paths written, relative to DIR
    uint64_t through;           //  the last seq committed when the replay ended
} s_archive_t;

//  ---------------------------------------------------------------------
//  Reading

//  The filed cases of the period, every page. Returns 0 or -1 (said).
static int
s_read_filed (s_archive_t *self)
{
    char after [128] = "";
    hs_pack_t *args = hs_pack_new ();
    int rc = 0;
    do {
        hs_pack_reset (args);
        hs_filed_request_encode (args, self->since, self->until, after);
        hs_client_reply_t reply;
        rc = hs_client_request (self->client, "filed", args, &reply);
        const msgpack_object *cases = rc? NULL: hs_proto_get (reply.body, "cases");
        for (uint32_t index = 0; cases && cases->type == MSGPACK_OBJECT_ARRAY
                                 && index < cases->via.array.size; index++) {
            const msgpack_object *entry = &cases->via.array.ptr [index];
            char case_id [HS_ID_MAX + 1];
            if (!*huishang_print_field (entry, "case", case_id, sizeof (case_id)))
                continue;
            json_t *item = json_object ();
            json_object_set_new (item, "case", json_string (case_id));
            json_object_set_new (item, "filed", json_integer (huishang_print_int (entry, "filed")));
            json_array_append_new (self->cases, item);
        }
        *after = 0;
        if (rc == 0)
            huishang_print_field (reply.body, "next", after, sizeof (after));
        hs_client_reply_destroy (&reply);
    } while (rc == 0 && *after && json_array_size (self->cases) < FILED_MAX && !zsys_interrupted);
    hs_pack_destroy (&args);
    return rc? -1: 0;
}

static bool
s_in_period (s_archive_t *self, int64_t at)
{
    return at >= self->since && at < self->until;
}

//  One published event: kept if the export wants it.
static void
s_take_event (s_archive_t *self, const msgpack_object *entry)
{
    char topic [HS_TOPIC_MAX + 1];
    huishang_print_field (entry, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (entry, "body");
    int64_t seq = huishang_print_int (entry, "seq");
    int64_t at = hs_proto_int (body, "at", 0);
    bool meeting = strncmp (topic, "meeting.", 8) == 0;
    bool briefing = streq (topic, "brief.daily") || streq (topic, "brief.weekly");
    if (streq (topic, "case.filed")) {
        char case_id [HS_ID_MAX + 1];
        if (*huishang_print_field (body, "case", case_id, sizeof (case_id)))
            json_object_set_new (self->filed_seqs, case_id, json_integer (seq));
        return;
    }
    if (!meeting && !(briefing && s_in_period (self, at)))
        return;
    json_t *event = json_object ();
    json_object_set_new (event, "seq", json_integer (seq));
    json_object_set_new (event, "topic", json_string (topic));
    json_object_set_new (event, "body", hs_json_from_object (body));
    if (briefing) {
        json_array_append_new (self->briefings, event);
        return;
    }
    char id [HS_ID_MAX + 1];
    if (!*huishang_print_field (body, "meeting", id, sizeof (id))) {
        json_decref (event);
        return;
    }
    json_t *held = json_object_get (self->meetings, id);
    if (!held) {
        held = json_object ();
        json_object_set_new (held, "events", json_array ());
        json_object_set_new (held, "in_period", json_false ());
        json_object_set_new (self->meetings, id, held);
        json_array_append_new (self->meeting_order, json_string (id));
    }
    json_array_append_new (json_object_get (held, "events"), event);
    if (s_in_period (self, at))
        json_object_set_new (held, "in_period", json_true ());
}

//  Every published event, page by page. Returns 0 or -1 (said).
static int
s_read_replay (s_archive_t *self)
{
    hs_pack_t *args = hs_pack_new ();
    int64_t next = 1, last = 0;
    int rc = 0;
    for (int page = 0; page < REPLAY_PAGES && !zsys_interrupted; page++) {
        hs_pack_reset (args);
        hs_replay_request_encode (args, (uint64_t) next, 1000);
        hs_client_reply_t reply;
        rc = hs_client_request (self->client, "replay", args, &reply);
        if (rc) {
            hs_client_reply_destroy (&reply);
            break;
        }
        const msgpack_object *events = hs_proto_get (reply.body, "events");
        for (uint32_t index = 0; events && events->type == MSGPACK_OBJECT_ARRAY
                                 && index < events->via.array.size; index++)
            s_take_event (self, &events->via.array.ptr [index]);
        int64_t was = next;
        next = huishang_print_int (reply.body, "next");
        last = huishang_print_int (reply.body, "last");
        hs_client_reply_destroy (&reply);
        if (next > last || next <= was)
            break;
    }
    self->through = (uint64_t) (last > 0? last: 0);
    hs_pack_destroy (&args);
    if (rc == 0 && zsys_interrupted) {
        fprintf (stderr, "huishang: interrupted\n");
        rc = -1;
    }
    return rc? -1: 0;
}

//  The meetings of the period: those with an event in it, their records.
//  Returns 0 or -1 (said).
static int
s_read_meetings (s_archive_t *self)
{
    hs_pack_t *args = hs_pack_new ();
    int rc = 0;
    size_t index;
    json_t *value;
    json_t *kept = json_array ();
    json_array_foreach (self->meeting_order, index, value) {
        const char *id = json_string_value (value);
        json_t *held = json_object_get (self->meetings, id);
        if (!json_is_true (json_object_get (held, "in_period")))
            continue;
        json_array_append (kept, value);
        hs_pack_reset (args);
        hs_meeting_request_encode (args, id);
        hs_client_reply_t reply;
        rc = hs_client_request (self->client, "meeting", args, &reply);
        if (rc == 0)
            json_object_set_new (held, "record",
                                 hs_json_from_object (hs_proto_get (reply.body, "meeting")));
        hs_client_reply_destroy (&reply);
        if (rc)
            break;
    }
    json_decref (self->meeting_order);
    self->meeting_order = kept;
    hs_pack_destroy (&args);
    return rc? -1: 0;
}

//  ---------------------------------------------------------------------
//  Writing

//  A name from the store, safe as a file name: letters, digits, . _ -
static void
s_file_name (const char *name, char *dest, size_t size)
{
    size_t length = 0;
    for (; *name && length + 1 < size; name++, length++)
        dest [length] = isalnum ((unsigned char) *name) || *name == '-' || *name == '_'
                     || (*name == '.' && length > 0)? *name: '_';
    dest [length] = 0;
}

//  Open a file of the export (path relative to DIR), noted for the
//  manifest. NULL if it cannot be made (said).
static FILE *
s_open (s_archive_t *self, const char *path)
{
    char *full = zsys_sprintf ("%s/%s", self->temp, path);
    FILE *file = fopen (full, "w");
    if (!file)
        fprintf (stderr, "huishang: cannot write %s: %s\n", full, strerror (errno));
    else
        json_array_append_new (self->files, json_string (path));
    zstr_free (&full);
    return file;
}

static int
s_close (FILE *file)
{
    bool failed = fflush (file) != 0 || ferror (file) || fsync (fileno (file)) != 0;
    failed |= fclose (file) != 0;
    if (failed)
        fprintf (stderr, "huishang: cannot write the archive: %s\n", strerror (errno));
    return failed? -1: 0;
}

static int
s_write_json (s_archive_t *self, const char *path, json_t *document)
{
    FILE *file = s_open (self, path);
    if (!file)
        return -1;
    json_dumpf (document, file, JSON_INDENT (2));
    fputs ("\n", file);
    return s_close (file);
}

static int
s_write_cases (s_archive_t *self)
{
    size_t index;
    json_t *item;
    json_array_foreach (self->cases, index, item) {
        char name [HS_ID_MAX + 1];
        s_file_name (json_string_value (json_object_get (item, "case")), name, sizeof (name));
        char html [HS_ID_MAX + 16], json [HS_ID_MAX + 16];
        snprintf (html, sizeof (html), "cases/%s.html", name);
        snprintf (json, sizeof (json), "cases/%s.json", name);
        char *html_path = zsys_sprintf ("%s/%s", self->temp, html);
        char *json_path = zsys_sprintf ("%s/%s", self->temp, json);
        size_t events = 0;
        json_t *record = NULL;
        int rc = huishang_dossier_write (self->client, self->config,
                                         json_string_value (json_object_get (item, "case")),
                                         html_path, json_path, &events, &record);
        zstr_free (&html_path);
        zstr_free (&json_path);
        if (rc)
            return -1;
        json_object_set_new (item, "record", record);
        json_object_set_new (item, "events", json_integer ((json_int_t) events));
        json_object_set_new (item, "html", json_string (html));
        json_object_set_new (item, "json", json_string (json));
        json_array_append_new (self->files, json_string (html));
        json_array_append_new (self->files, json_string (json));
    }
    return 0;
}

static int
s_write_meetings (s_archive_t *self)
{
    size_t index;
    json_t *value;
    json_array_foreach (self->meeting_order, index, value) {
        const char *id = json_string_value (value);
        json_t *held = json_object_get (self->meetings, id);
        char name [HS_ID_MAX + 1];
        s_file_name (id, name, sizeof (name));
        char html [HS_ID_MAX + 16], json [HS_ID_MAX + 16];
        snprintf (html, sizeof (html), "meetings/%s.html", name);
        snprintf (json, sizeof (json), "meetings/%s.json", name);
        json_object_set_new (held, "html", json_string (html));
        json_object_set_new (held, "json", json_string (json));
        json_t *document = json_object ();
        json_object_set_new (document, "v", json_integer (1));
        json_object_set_new (document, "id", json_string (id));
        json_object_set (document, "meeting", json_object_get (held, "record")?
                                               json_object_get (held, "record"): json_null ());
        json_object_set (document, "events", json_object_get (held, "events"));
        int rc = s_write_json (self, json, document);
        json_decref (document);
        FILE *file = rc? NULL: s_open (self, html);
        if (!file)
            return -1;
        huishang_archive_page_meeting (file, self->config, id, json_object_get (held, "record"),
                                       json_object_get (held, "events"));
        if (s_close (file))
            return -1;
    }
    return 0;
}

static int
s_write_briefings (s_archive_t *self)
{
    size_t index;
    json_t *event;
    json_array_foreach (self->briefings, index, event) {
        const char *topic = json_string_value (json_object_get (event, "topic"));
        char html [64], json [64];
        long long seq = (long long) json_integer_value (json_object_get (event, "seq"));
        snprintf (html, sizeof (html), "briefings/%lld-%s.html", seq, topic + 6);
        snprintf (json, sizeof (json), "briefings/%lld-%s.json", seq, topic + 6);
        json_object_set_new (event, "html", json_string (html));
        json_object_set_new (event, "json", json_string (json));
        json_t *document = json_pack ("{s:i, s:O, s:O, s:O}", "v", 1, "seq",
                                      json_object_get (event, "seq"), "topic",
                                      json_object_get (event, "topic"), "body",
                                      json_object_get (event, "body"));
        int rc = s_write_json (self, json, document);
        json_decref (document);
        FILE *file = rc? NULL: s_open (self, html);
        if (!file)
            return -1;
        huishang_archive_page_briefing (file, self->config, event);
        if (s_close (file))
            return -1;
    }
    return 0;
}

//  The seq range of what was exported: the meetings' and briefings'
//  events, and the filed cases' case.filed.
static void
s_seq_range (s_archive_t *self, json_int_t *first, json_int_t *last)
{
    *first = *last = 0;
    json_t *seqs = json_array ();
    size_t index, inner;
    json_t *value, *event;
    json_array_foreach (self->meeting_order, index, value)
        json_array_foreach (json_object_get (json_object_get (self->meetings,
                            json_string_value (value)), "events"), inner, event)
            json_array_append (seqs, json_object_get (event, "seq"));
    json_array_foreach (self->briefings, index, event)
        json_array_append (seqs, json_object_get (event, "seq"));
    json_array_foreach (self->cases, index, value) {
        json_t *seq = json_object_get (self->filed_seqs,
                                       json_string_value (json_object_get (value, "case")));
        if (seq)
            json_array_append (seqs, seq);
    }
    json_array_foreach (seqs, index, value) {
        json_int_t seq = json_integer_value (value);
        if (*first == 0 || seq < *first)
            *first = seq;
        if (seq > *last)
            *last = seq;
    }
    json_decref (seqs);
}

//  manifest.json: what was exported, and each file's size and SHA-1.
static int
s_write_manifest (s_archive_t *self)
{
    json_t *files = json_array ();
    size_t index;
    json_t *value;
    json_array_foreach (self->files, index, value) {
        char *full = zsys_sprintf ("%s/%s", self->temp, json_string_value (value));
        zfile_t *file = zfile_new (NULL, full);
        const char *digest = file? zfile_digest (file): NULL;
        json_t *entry = json_pack ("{s:O, s:I, s:s?}", "path", value, "bytes",
                                   (json_int_t) (file? zfile_cursize (file): 0), "sha1", digest);
        json_array_append_new (files, entry);
        zfile_destroy (&file);
        zstr_free (&full);
    }
    json_int_t first, last;
    s_seq_range (self, &first, &last);
    char since [32], until [32], made [32];
    huishang_print_time (self->since, since, sizeof (since));
    huishang_print_time (self->until, until, sizeof (until));
    huishang_print_time (zclock_time (), made, sizeof (made));
    json_t *cases = json_array (), *meetings = json_array (), *briefings = json_array ();
    json_array_foreach (self->cases, index, value)
        json_array_append (cases, json_object_get (value, "case"));
    json_array_foreach (self->meeting_order, index, value)
        json_array_append (meetings, value);
    json_array_foreach (self->briefings, index, value)
        json_array_append (briefings, json_object_get (value, "seq"));
    json_t *manifest = json_pack (
        "{s:i, s:s, s:s, s:{s:I, s:I, s:s, s:s}, s:s, s:{s:I, s:I, s:I}, s:o, s:o, s:o,"
        " s:{s:I, s:I, s:I}, s:o}",
        "v", 1, "generator", "huishang " HS_VERSION, "district", self->config->district,
        "period", "since", (json_int_t) self->since, "until", (json_int_t) self->until,
        "since_local", since, "until_local", until, "made", made,
        "counts", "cases", (json_int_t) json_array_size (cases),
        "meetings", (json_int_t) json_array_size (meetings),
        "briefings", (json_int_t) json_array_size (briefings),
        "cases", cases, "meetings", meetings, "briefings", briefings,
        "seq_range", "first", first, "last", last, "through", (json_int_t) self->through,
        "files", files);
    json_object_set_new (json_object_get (manifest, "counts"), "files",
                         json_integer ((json_int_t) json_array_size (files)));
    int rc = s_write_json (self, "manifest.json", manifest);
    json_decref (manifest);
    return rc;
}

static int
s_write_index (s_archive_t *self)
{
    FILE *file = s_open (self, "index.html");
    if (!file)
        return -1;
    huishang_archive_page_index (file, self->config, self->since, self->until, self->cases,
                                 self->meetings, self->meeting_order, self->briefings);
    return s_close (file);
}

//  ---------------------------------------------------------------------
//  DIR

//  0 DIR is absent or an empty folder; 1 it is something else (said).
static int
s_dir_check (const char *dir)
{
    struct stat info;
    if (stat (dir, &info) != 0)
        return errno == ENOENT? 0: (fprintf (stderr, "huishang archive: %s: %s\n", dir,
                                             strerror (errno)), 1);
    DIR *handle = S_ISDIR (info.st_mode)? opendir (dir): NULL;
    if (!handle) {
        fprintf (stderr, "huishang archive: %s exists and is not a folder\n", dir);
        return 1;
    }
    struct dirent *entry;
    int found = 0;
    while (!found && (entry = readdir (handle)))
        found = !streq (entry->d_name, ".") && !streq (entry->d_name, "..");
    closedir (handle);
    if (found)
        fprintf (stderr, "huishang archive: %s is not empty: an export goes into a new or "
                 "empty folder\n", dir);
    return found;
}

//  Remove the folder being written, and what is in it (one level of
//  subfolders: ours).
static void
s_remove_temp (const char *temp)
{
    const char *subs [] = { "cases", "meetings", "briefings", "" };
    for (size_t sub = 0; sub < 4; sub++) {
        char *path = zsys_sprintf ("%s/%s", temp, subs [sub]);
        DIR *handle = opendir (path);
        struct dirent *entry;
        while (handle && (entry = readdir (handle))) {
            if (streq (entry->d_name, ".") || streq (entry->d_name, ".."))
                continue;
            char *file = zsys_sprintf ("%s/%s", path, entry->d_name);
            unlink (file);
            zstr_free (&file);
        }
        if (handle)
            closedir (handle);
        if (*subs [sub])
            rmdir (path);
        zstr_free (&path);
    }
    rmdir (temp);
}

//  TIME: YYYY-MM-DDTHH:MM or YYYY-MM-DD, the district's time. -1 if not.
static int64_t
s_time (hs_config_t *config, const char *text)
{
    (void) config;
    return huishang_time_parse (text);          //  a date alone is its midnight
}

typedef struct {
    const char *since, *until;
} s_options_t;

enum { O_SINCE = 600, O_UNTIL };

static void
s_option (int option, const char *value, void *arg)
{
    s_options_t *options = (s_options_t *) arg;
    if (option == O_SINCE)
        options->since = value;
    if (option == O_UNTIL)
        options->until = value;
}

static int
s_export (s_archive_t *self)
{
    if (!hs_client_api_socket (self->client)
    ||  s_read_filed (self) || s_read_replay (self) || s_read_meetings (self))
        return 1;
    char *parent = strdup (self->dir);
    size_t length = strlen (parent);
    while (length > 1 && parent [length - 1] == '/')
        parent [--length] = 0;
    self->temp = zsys_sprintf ("%s.partial.XXXXXX", parent);
    free (parent);
    if (!mkdtemp (self->temp)) {
        fprintf (stderr, "huishang archive: cannot make %s: %s\n", self->temp, strerror (errno));
        return 1;
    }
    const char *subs [] = { "cases", "meetings", "briefings" };
    int rc = 0;
    for (size_t sub = 0; sub < 3 && rc == 0; sub++) {
        char *path = zsys_sprintf ("%s/%s", self->temp, subs [sub]);
        rc = mkdir (path, 0777);
        zstr_free (&path);
    }
    if (rc == 0)
        rc = s_write_cases (self) || s_write_meetings (self) || s_write_briefings (self)
          || s_write_index (self) || s_write_manifest (self)? -1: 0;
    if (rc == 0 && rename (self->temp, self->dir) != 0) {
        fprintf (stderr, "huishang archive: cannot put the export at %s: %s\n", self->dir,
                 strerror (errno));
        rc = -1;
    }
    if (rc)
        s_remove_temp (self->temp);
    else
        printf ("archive %s: %zu filed cases, %zu meetings, %zu briefings, %zu files\n",
                self->dir, json_array_size (self->cases), json_array_size (self->meeting_order),
                json_array_size (self->briefings), json_array_size (self->files) + 1);
    return rc? 1: 0;
}

int
huishang_archive_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    static const struct option extra [] = {
        { "since", required_argument, NULL, O_SINCE }, { "until", required_argument, NULL, O_UNTIL },
        { NULL, 0, NULL, 0 }
    };
    s_options_t options = { NULL, NULL };
    bool json;
    int first = huishang_options_parse (client, argc, argv, extra, s_option, &options, &json);
    int64_t since = options.since? s_time (config, options.since): -1;
    int64_t until = options.until? s_time (config, options.until): -1;
    if (first < 0 || first != argc - 1 || !*argv [first] || since < 0 || until <= since) {
        FILE *out = first == -1? stdout: stderr;
        if (first >= 0 && (since < 0 || until < 0))
            fprintf (out, "huishang archive: --since and --until take YYYY-MM-DDTHH:MM or "
                     "YYYY-MM-DD (the district's time)\n");
        else
        if (first >= 0 && until <= since)
            fprintf (out, "huishang archive: --until must come after --since\n");
        fprintf (out, "usage: huishang archive --since TIME --until TIME DIR [--api EP] "
                 "[--timeout D]\n"
                 "  the cases filed (归档) in the period, with their dossiers, the period's\n"
                 "  meetings and briefings, an index.html and a manifest.json, into DIR\n"
                 "  (new or empty)\n");
        return first == -1? 0: 2;
    }
    if (s_dir_check (argv [first]))
        return 2;
    s_archive_t self = {
        .client = client, .config = config, .since = since, .until = until, .dir = argv [first],
        .cases = json_array (), .meetings = json_object (), .meeting_order = json_array (),
        .briefings = json_array (), .filed_seqs = json_object (), .files = json_array ()
    };
    int rc = s_export (&self);
    zstr_free (&self.temp);
    json_decref (self.cases);
    json_decref (self.meetings);
    json_decref (self.meeting_order);
    json_decref (self.briefings);
    json_decref (self.filed_seqs);
    json_decref (self.files);
    return rc;
}
