/* resp/printer.h - canonical one-line rendering of replies.
 *
 * Every value prints on one line with its type visible, byte strings
 * quoted and escaped, so two replies print the same iff they are equal
 * (resp_value_equal), except that streamed values show a '?'.
 *
 *   simple string  +"OK"          simple error  -"ERR syntax error"
 *   integer        :42            bulk string   $"a\r\nb"
 *   nulls          $-1  *-1  _    boolean       #t  #f
 *   double         ,1.5  ,inf     big number    (12345678901234567890
 *   bulk error     !"SYNTAX x"    verbatim      =txt:"hello"
 *   array          *[:1 $"a"]     set           ~[:1 :2]
 *   map            %{$"k"=>:1}    push          >[$"message" $"ch" $"hi"]
 *   attribute      |{+"ttl"=>:3} followed by the value it describes
 *   streamed       $?"abc"  *?[:1]
 *
 * Inside quotes: \" \\ \n \r \t \a \b, other bytes outside 0x20..0x7e as
 * \xhh (lower case). */
#ifndef RESP_PRINTER_H
#define RESP_PRINTER_H

#include "export.h"

#include <stddef.h>

#include "error.h"
#include "value.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends the rendering of v to out (no NUL, no newline). */
RESP_API resp_error resp_print_value(resp_buf *out, const resp_value *v);
/* Appends s quoted and escaped as above. */
RESP_API resp_error resp_print_quoted(resp_buf *out, const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* RESP_PRINTER_H */
