// Loaded as the first element of <body>, before anything is drawn: tells
// GOV.UK Frontend's CSS that JavaScript runs, and whether the browser can run
// its ES modules. A static file rather than an inline script, so the Content
// Security Policy needs no exception for it.
document.body.className +=
  ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
