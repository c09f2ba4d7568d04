/* comm.c, compiled as C++ for the C++ builds. */
#include "comm.c"
