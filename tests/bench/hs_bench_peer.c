/*  =========================================================================
    hs_bench_peer - a peer in the same run: Debian's Alertmanager, fed the
    bench's own reports as alerts

    Alertmanager (prometheus-alertmanager) is the nearest thing to huishangd
    that Debian ships: it takes alerts in, holds them, groups and routes
    them. The bench starts one of its own on a free loopback port, with its
    own config and storage in the bench folder and clustering off, and
    posts the very reports of bench_report() to `POST /api/v2/alerts` in
    batches of 500, one request after another on one connection, as
    Prometheus sends them. Each report becomes one alert: its fields are
    the labels (report_id keeps every label set apart, else Alertmanager
    would merge them), its summary the annotation, its `at` the startsAt.
    The bodies are made before the clock starts (as the end-to-end run's
    reports are), so only Alertmanager's ingest is timed: from the first
    post to the last one accepted. `GET /api/v2/alerts` then confirms that
    it holds them all. No Alertmanager and none to install: the row says
    the run skipped it.
    HTTP through libcurl, not a hand-made client: Alertmanager gets the
    requests any HTTP/1.1 client would send it.
    =========================================================================
*/

#include "hs_bench.h"
#include <curl/curl.h>
#include <jansson.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define PEER_BATCH      500
#define PEER_DEADLINE   300         //  seconds of posting at most

//  Where Debian puts it, or anywhere on PATH.
static bool
s_find (char *path, size_t size)
{
    const char *env = getenv ("PATH");
    char *paths = strdup (env? env: "/usr/bin:/bin");
    bool found = false;
    for (char *dir = strtok (paths, ":"); dir && !found; dir = strtok (NULL, ":")) {
        snprintf (path, size, "%s/prometheus-alertmanager", dir);
        found = access (path, X_OK) == 0;
    }
    free (paths);
    return found;
}

//  A loopback port nobody holds now (the kernel's choice).
static int
s_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET };
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t length = sizeof (address);
    int port = 0;
    if (bind (fd, (struct sockaddr *) &address, sizeof (address)) == 0
    &&  getsockname (fd, (struct sockaddr *) &address, &length) == 0)
        port = ntohs (address.sin_port);
    close (fd);
    return port;
}

//  A response body, kept (up to a bound) or only scanned for alerts.
typedef struct {
    char *data;
    size_t size;
    bool keep;
    int64_t alerts;             //  "fingerprint" keys seen: one per alert
    char tail [32];             //  the end of the last chunk, for keys cut in two
} s_body_t;

static size_t
s_write (char *chunk, size_t one, size_t count, void *arg)
{
    s_body_t *body = (s_body_t *) arg;
    size_t size = one * count;
    if (body->keep && body->size + size < 65536) {
        body->data = (char *) realloc (body->data, body->size + size + 1);
        memcpy (body->data + body->size, chunk, size);
        body->size += size;
        body->data [body->size] = 0;
    }
    //  Count the key in the old tail and this chunk together: a key cut
    //  in two at the edge is found whole, and none is counted twice, as
    //  the tail is shorter than the key.
    static const char key [] = "\"fingerprint\"";
    size_t tail = strlen (body->tail);
    char *scan = (char *) malloc (tail + size);
    memcpy (scan, body->tail, tail);
    memcpy (scan + tail, chunk, size);
    size_t length = tail + size;
    for (const char *at = memmem (scan, length, key, sizeof (key) - 1); at;
         at = memmem (at + 1, length - (size_t) (at + 1 - scan), key, sizeof (key) - 1))
        body->alerts++;
    size_t keep = length < sizeof (key) - 2? length: sizeof (key) - 2;
    memcpy (body->tail, scan + length - keep, keep);
    body->tail [keep] = 0;
    free (scan);
    return size;
}

//  One request; returns the HTTP status (0: no answer).
static long
s_request (CURL *curl, const char *url, const char *post, s_body_t *body)
{
    curl_easy_setopt (curl, CURLOPT_URL, url);
    if (post) {
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, post);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) strlen (post));
    }
    else
        curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
    long status = 0;
    if (curl_easy_perform (curl) == CURLE_OK)
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

//  A report's fields as labels: nested maps flattened (enterprise_name),
//  arrays joined with commas, numbers in decimal.
static void
s_labels (json_t *labels, json_t *annotations, const char *prefix, const msgpack_object *map,
          char *starts, size_t starts_size)
{
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        const msgpack_object *key = &map->via.map.ptr [index].key;
        const msgpack_object *value = &map->via.map.ptr [index].val;
        if (key->type != MSGPACK_OBJECT_STR)
            continue;
        char name [64], text [1024] = "";
        snprintf (name, sizeof (name), "%s%.*s", prefix, (int) key->via.str.size, key->via.str.ptr);
        if (value->type == MSGPACK_OBJECT_MAP) {
            char nested [80];
            snprintf (nested, sizeof (nested), "%s_", name);
            s_labels (labels, annotations, nested, value, starts, starts_size);
            continue;
        }
        if (value->type == MSGPACK_OBJECT_STR)
            snprintf (text, sizeof (text), "%.*s", (int) value->via.str.size, value->via.str.ptr);
        else
        if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            snprintf (text, sizeof (text), "%llu", (unsigned long long) value->via.u64);
        else
        if (value->type == MSGPACK_OBJECT_ARRAY)
            for (uint32_t item = 0; item < value->via.array.size; item++) {
                const msgpack_object *element = &value->via.array.ptr [item];
                if (element->type == MSGPACK_OBJECT_STR)
                    snprintf (text + strlen (text), sizeof (text) - strlen (text), "%s%.*s",
                              item? ",": "", (int) element->via.str.size, element->via.str.ptr);
            }
        if (streq (name, "at")) {
            //  Unix ms to RFC 3339, as Prometheus writes startsAt.
            time_t seconds = (time_t) (value->via.u64 / 1000);
            struct tm utc;
            gmtime_r (&seconds, &utc);
            size_t used = strftime (starts, starts_size, "%Y-%m-%dT%H:%M:%S", &utc);
            snprintf (starts + used, starts_size - used, ".%03lluZ",
                      (unsigned long long) (value->via.u64 % 1000));
        }
        else
        if (streq (name, "summary"))
            json_object_set_new (annotations, "summary", json_string (text));
        else
        if (streq (name, "id"))
            json_object_set_new (labels, "report_id", json_string (text));
        else
        if (!streq (name, "v"))
            json_object_set_new (labels, name, json_string (text));
    }
}

//  The batches' bodies, JSON arrays of PEER_BATCH alerts each, made ahead.
static char **
s_batches (int64_t count, size_t *batches)
{
    *batches = (size_t) ((count + PEER_BATCH - 1) / PEER_BATCH);
    char **bodies = (char **) calloc (*batches, sizeof (char *));
    hs_pack_t *pack = hs_pack_new ();
    int64_t now = zclock_time ();
    for (size_t batch = 0; batch < *batches; batch++) {
        json_t *array = json_array ();
        for (int64_t index = (int64_t) batch * PEER_BATCH;
             index < count && index < (int64_t) (batch + 1) * PEER_BATCH; index++) {
            hs_pack_reset (pack);
            bench_report (pack, index, now, "am");
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            if (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0) {
                json_t *labels = json_object (), *annotations = json_object ();
                json_object_set_new (labels, "alertname", json_string ("HuishangReport"));
                char starts [40] = "";
                s_labels (labels, annotations, "", &unpacked.data, starts, sizeof (starts));
                json_array_append_new (array, json_pack ("{s:o, s:o, s:s}", "labels", labels,
                                                         "annotations", annotations,
                                                         "startsAt", starts));
            }
            msgpack_unpacked_destroy (&unpacked);
        }
        bodies [batch] = json_dumps (array, JSON_COMPACT);
        json_decref (array);
    }
    hs_pack_destroy (&pack);
    return bodies;
}

//  Start it in folder/alertmanager on `port`; its pid, or -1.
static pid_t
s_start (const char *binary, const char *folder, int port, CURL *curl)
{
    char config [400], storage [400], listen [64], log [400];
    zsys_dir_create ("%s/alertmanager/data", folder);
    snprintf (config, sizeof (config), "%s/alertmanager/alertmanager.yml", folder);
    snprintf (storage, sizeof (storage), "%s/alertmanager/data", folder);
    snprintf (log, sizeof (log), "%s/alertmanager/alertmanager.log", folder);
    snprintf (listen, sizeof (listen), "127.0.0.1:%d", port);
    FILE *file = fopen (config, "w");
    if (!file)
        return -1;
    //  One route to a receiver that sends nothing: what is measured is the
    //  ingest, not a notifier.
    fprintf (file, "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
    fclose (file);
    pid_t pid = fork ();
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGTERM);
        FILE *out = freopen (log, "a", stderr);
        out = freopen (log, "a", stdout);
        (void) out;
        char config_arg [420], storage_arg [420], listen_arg [100];
        snprintf (config_arg, sizeof (config_arg), "--config.file=%s", config);
        snprintf (storage_arg, sizeof (storage_arg), "--storage.path=%s", storage);
        snprintf (listen_arg, sizeof (listen_arg), "--web.listen-address=%s", listen);
        execl (binary, binary, config_arg, storage_arg, listen_arg, "--cluster.listen-address=",
               NULL);
        _exit (127);
    }
    char url [100];
    snprintf (url, sizeof (url), "http://%s/-/ready", listen);
    int64_t start = zclock_mono ();
    while (zclock_mono () - start < 30000) {
        s_body_t body = { .keep = false };
        if (s_request (curl, url, NULL, &body) == 200)
            return pid;
        if (waitpid (pid, NULL, WNOHANG) == pid)
            return -1;
        zclock_sleep (50);
    }
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    return -1;
}

static void
s_stop (pid_t pid)
{
    kill (pid, SIGTERM);
    for (int attempt = 0; attempt < 100; attempt++) {
        if (waitpid (pid, NULL, WNOHANG) == pid)
            return;
        zclock_sleep (50);
    }
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
}

void
bench_peer_alertmanager (const char *folder, int64_t count, bench_peer_t *result)
{
    memset (result, 0, sizeof (*result));
    result->posted = count;
    char binary [512];
    if (!s_find (binary, sizeof (binary))) {
        snprintf (result->skipped, sizeof (result->skipped),
                  "prometheus-alertmanager is not installed (tools/deps.sh --bench installs it)");
        return;
    }
    char command [600];
    snprintf (command, sizeof (command), "'%s' --version 2>&1", binary);
    FILE *version = popen (command, "r");
    char line [256] = "";
    if (version && fgets (line, sizeof (line), version)) {
        char *at = strstr (line, "version ");
        if (at)
            sscanf (at + 8, "%31s", result->version);
    }
    if (version)
        pclose (version);
    curl_global_init (CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init ();
    curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
    struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    int port = s_free_port ();
    pid_t pid = s_start (binary, folder, port, curl);
    if (pid < 0) {
        snprintf (result->skipped, sizeof (result->skipped),
                  "Alertmanager did not start (see alertmanager/alertmanager.log)");
        curl_slist_free_all (headers);
        curl_easy_cleanup (curl);
        return;
    }
    result->ran = true;
    size_t batches;
    char **bodies = s_batches (count, &batches);
    char url [100];
    snprintf (url, sizeof (url), "http://127.0.0.1:%d/api/v2/alerts", port);
    int64_t start = zclock_usecs ();
    for (size_t batch = 0; batch < batches; batch++) {
        s_body_t body = { .keep = true };
        long status = s_request (curl, url, bodies [batch], &body);
        if (status == 200) {
            int64_t size = count - (int64_t) batch * PEER_BATCH;
            result->accepted += size < PEER_BATCH? size: PEER_BATCH;
            result->seconds = bench_seconds (start);
        }
        else
        if (!result->refused++)
            fprintf (stderr, "hs_bench: Alertmanager answered %ld: %s\n", status,
                     body.data? body.data: "");
        free (body.data);
        if (bench_seconds (start) > PEER_DEADLINE)
            break;
    }
    result->rate = result->seconds > 0? (double) result->accepted / result->seconds: 0;
    //  Held? Every alert it has, counted as it streams in.
    curl_easy_setopt (curl, CURLOPT_TIMEOUT, 300L);
    s_body_t held = { .keep = false };
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, NULL);
    if (s_request (curl, url, NULL, &held) == 200)
        result->held = held.alerts;
    else
        result->held = -1;
    s_stop (pid);
    for (size_t batch = 0; batch < batches; batch++)
        free (bodies [batch]);
    free (bodies);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
    curl_global_cleanup ();
}

void
bench_peer_print (const bench_peer_t *peer, double e2e)
{
    if (!peer->ran) {
        printf ("| peer: Alertmanager POST /api/v2/alerts, the same reports | skipped | %s |\n",
                peer->skipped);
        return;
    }
    printf ("| peer: Alertmanager %s POST /api/v2/alerts, the same %lld reports as alerts, batches of %d | %.0f alerts/s | %lld accepted, %lld held (GET /api/v2/alerts), %lld batches refused |\n",
            peer->version, (long long) peer->posted, PEER_BATCH, peer->rate,
            (long long) peer->accepted, (long long) peer->held, (long long) peer->refused);
    printf ("| ratio huishangd e2e / Alertmanager ingest | %.1f x | goal >= 10 x |\n",
            peer->rate > 0? e2e / peer->rate: 0);
    fflush (stdout);
}
