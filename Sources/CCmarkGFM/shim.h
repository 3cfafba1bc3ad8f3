// The C API of cmark-gfm and its GitHub extensions (tables, strikethrough,
// autolinks, task lists), from Debian's libcmark-gfm-dev and
// libcmark-gfm-extensions-dev.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
