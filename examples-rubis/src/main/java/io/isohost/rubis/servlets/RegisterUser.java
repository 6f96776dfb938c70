package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;

/** Creates an account, refusing an unknown region or a nickname already taken. */
public class RegisterUser extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        String firstname = param(req, "firstname");
        String lastname = param(req, "lastname");
        String nickname = param(req, "nickname");
        String email = param(req, "email");
        String password = param(req, "password");
        String region = param(req, "region");
        if (firstname.length() > 20 || lastname.length() > 20 || nickname.length() > 20 || password.length() > 20 || email.length() > 50) {
            throw new RequestError("names, nickname and password take at most 20 characters, the email 50");
        }
        return transaction(c -> {
            Object regionId = single(c, "SELECT id FROM regions WHERE name=?", region);
            if (regionId == null) {
                throw new RequestError("Region '" + region + "' does not exist.");
            }
            if (single(c, "SELECT id FROM users WHERE nickname=?", nickname) != null) {
                throw new RequestError("The nickname '" + nickname + "' is already taken: choose another one.");
            }
            var created = now();
            int id = insert(c, "INSERT INTO users (firstname, lastname, nickname, password, email, rating, balance, "
                    + "creation_date, region) VALUES (?,?,?,?,?,0,0,?,?)", firstname, lastname, nickname, password, email, created, regionId);
            return new Html("Welcome to RUBiS, " + nickname).p("Your user id is " + id + "; you joined on " + Html.date(created) + ".").end();
        });
    }
}
