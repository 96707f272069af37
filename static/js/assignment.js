// assignment (issue 8): Alpine components registered on alpine:init.
