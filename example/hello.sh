#!/bin/sh
echo "hello from $(uname -m): $(echo archway | sha256sum | cut -c1-16)"
