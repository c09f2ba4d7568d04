/* The same source, compiled as C++ (g++ -Wall -Werror). */
#include "server.c"
