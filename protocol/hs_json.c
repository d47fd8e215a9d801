/*  =========================================================================
    hs_json - JSON as msgpack and back, the command line's way
    =========================================================================
*/

#include "hs_json.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

void
hs_json_to_pack (json_t *json, hs_pack_t *pack)
{
    switch (json_typeof (json)) {
        case JSON_OBJECT: {
            hs_pack_map (pack, json_object_size (json));
            const char *key;
            json_t *value;
            json_object_foreach (json, key, value) {
                hs_pack_str (pack, key);
                hs_json_to_pack (value, pack);
            }
            break;
        }
        case JSON_ARRAY: {
            hs_pack_array (pack, json_array_size (json));
            size_t index;
            json_t *value;
            json_array_foreach (json, index, value)
                hs_json_to_pack (value, pack);
            break;
        }
        case JSON_STRING:
            hs_pack_strn (pack, json_string_value (json), json_string_length (json));
            break;
        case JSON_INTEGER:
            hs_pack_int (pack, json_integer_value (json));
            break;
        case JSON_REAL: {
            //  msgpack floats are not part of our protocol; a whole number
            //  written as 3.0 is sent as an integer, anything else as is.
            double value = json_real_value (json);
            if (value == (double) (int64_t) value)
                hs_pack_int (pack, (int64_t) value);
            else
                hs_pack_str (pack, "(not an integer)");
            break;
        }
        case JSON_TRUE:
            hs_pack_bool (pack, true);
            break;
        case JSON_FALSE:
            hs_pack_bool (pack, false);
            break;
        default:
            hs_pack_nil (pack);
    }
}

json_t *
hs_json_from_object (const msgpack_object *obj)
{
    switch (obj->type) {
        case MSGPACK_OBJECT_MAP: {
            json_t *json = json_object ();
            for (uint32_t index = 0; index < obj->via.map.size; index++) {
                const msgpack_object_kv *kv = &obj->via.map.ptr [index];
                char key [256];
                if (hs_proto_strcpy (&kv->key, key, sizeof (key)) == 0)
                    json_object_set_new (json, key, hs_json_from_object (&kv->val));
            }
            return json;
        }
        case MSGPACK_OBJECT_ARRAY: {
            json_t *json = json_array ();
            for (uint32_t index = 0; index < obj->via.array.size; index++)
                json_array_append_new (json, hs_json_from_object (&obj->via.array.ptr [index]));
            return json;
        }
        case MSGPACK_OBJECT_STR:
            return json_stringn (obj->via.str.ptr, obj->via.str.size);
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            return json_integer ((json_int_t) obj->via.u64);
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            return json_integer ((json_int_t) obj->via.i64);
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            return json_real (obj->via.f64);
        case MSGPACK_OBJECT_BOOLEAN:
            return json_boolean (obj->via.boolean);
        default:
            return json_null ();
    }
}

void
hs_json_test (bool verbose)
{
    if (verbose)
        printf (" * hs_json: ");
    json_error_t error;
    json_t *json = json_loads ("{\"v\": 1, \"workers\": 30.0, \"flags\": [\"media\"], "
                               "\"x\": 0.5, \"ok\": true}", 0, &error);
    assert (json);
    hs_pack_t *pack = hs_pack_new ();
    hs_json_to_pack (json, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    assert (hs_proto_int (&unpacked.data, "workers", 0) == 30);
    char text [32];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "x"), text, sizeof (text)) == 0);
    assert (strcmp (text, "(not an integer)") == 0);
    json_t *back = hs_json_from_object (&unpacked.data);
    assert (json_integer_value (json_object_get (back, "workers")) == 30);
    assert (json_is_true (json_object_get (back, "ok")));
    assert (json_array_size (json_object_get (back, "flags")) == 1);
    json_decref (back);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
    json_decref (json);
    if (verbose)
        printf ("OK\n");
}
