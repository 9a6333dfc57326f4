"""The web pages: server-rendered Jinja2, no third-party JavaScript or CSS. This frame has
the login form, the landing page and the API's documentation page; the pages of the issue
(dashboard, department, role, person, upload, review) are added here, one module each."""
