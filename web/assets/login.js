/*  huishang duty board - the login page: the form posts itself without
    script; with script, a refusal (401, or 429 after too many) is shown
    here and a success goes to the board. */

"use strict";

(function () {
    var form = document.getElementById ("login-form");
    var error = document.getElementById ("login-error");
    //  the server answered a plain post with the page again: it was refused
    if (document.readyState && /[?&]error/.test (location.search))
        error.textContent = "用户名或密码错误 wrong name or password";
    form.addEventListener ("submit", function (event) {
        event.preventDefault ();
        error.textContent = "";
        var data = new URLSearchParams (new FormData (form));
        fetch ("/login", { method: "POST", body: data, credentials: "same-origin", redirect: "follow" })
        .then (function (reply) {
            if (reply.status === 429)
                error.textContent = "尝试次数过多，请稍后再试 too many attempts: wait a minute";
            else
            if (reply.status === 401 || reply.status === 403)
                error.textContent = "用户名或密码错误 wrong name or password";
            else
            if (reply.ok || reply.redirected)
                location.href = "/";
            else
                error.textContent = "登录失败 log in failed: HTTP " + reply.status;
        }, function (failure) {
            error.textContent = "无法连接 cannot reach the board: " + failure.message;
        });
    });
}) ();
