// Dashboard area: contacts. Loaded after app.js and before Alpine (components register on alpine:init).
