/* A user's program: parse one reply and print it canonically. */
#include <stdio.h>
#include <string.h>

#include <resp/resp.h>

int main(void) {
    const char wire[] = "+PONG\r\n";
    resp_reader reader;
    resp_reader_init(&reader, NULL, NULL);
    size_t used = 0;
    resp_value *v = NULL;
    if (resp_reader_parse(&reader, wire, strlen(wire), &used, &v) != RESP_REPLY_COMPLETE)
        return 1;
    resp_buf out;
    resp_buf_init(&out, NULL);
    resp_print_value(&out, v);
    printf("consumer: %.*s\n", (int)out.len, out.data);
    resp_buf_free(&out);
    resp_value_free(v, NULL);
    resp_reader_free(&reader);
    return 0;
}
