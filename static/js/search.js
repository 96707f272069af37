// Dashboard area: search. Loaded after app.js and before Alpine (components register on alpine:init).
