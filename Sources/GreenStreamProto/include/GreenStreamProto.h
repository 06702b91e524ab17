#pragma once
int greenstream_proto_placeholder(void);
